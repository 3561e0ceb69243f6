import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import browser_for
from financing.models import LoanApplication, OutboxEvent
from financing.tests.factories import application_make

pytestmark = pytest.mark.django_db(databases="__all__")


def decision_action(browser, applications, action: str, reason: str | None = None):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(a.pk) for a in applications]}
    extra = {"index": 0} if reason is None else {"reason": reason, "apply": "yes"}
    return browser.post(reverse("admin:financing_loanapplication_changelist"), {**data, **extra})


def test_deciding_asks_for_a_reason_first(manager, customer):
    application = application_make(customer, monthly_income="40000.00")

    response = decision_action(browser_for(manager), [application], "approved")

    assert response.status_code == 200
    assert list(response.context["objects"]) == [application]
    assert LoanApplication.objects.get().status == "pending_review"


def test_a_manager_approves_an_application_pending_review_through_the_service(manager, customer):
    pending = application_make(customer, monthly_income="40000.00")
    approved = application_make(customer)

    response = decision_action(browser_for(manager), [pending, approved], "approved", "Payslips")

    pending.refresh_from_db()
    assert (pending.status, pending.decided_by_id) == ("approved", manager.pk)
    assert pending.reasons[-1] == {"code": "staff_decision", "params": {"reason": "Payslips"}}
    assert LoanApplication.objects.get(pk=approved.pk).decided_by_id is None
    assert (
        OutboxEvent.objects.filter(type="loan_application.approved").count() == 2
    )  # one by scoring
    messages = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert messages == [
        (
            "error",
            f"{approved}: Only an application pending review can be decided; this one is approved.",
        ),
        ("success", "Approved: 1 loan application."),
    ]


def test_a_manager_rejects_an_application_pending_review(manager, customer):
    application = application_make(customer, monthly_income="40000.00")

    decision_action(browser_for(manager), [application], "rejected", "Income not proven")

    application.refresh_from_db()
    assert application.status == "rejected"
    event = OutboxEvent.objects.get(type="loan_application.rejected")
    assert (event.payload["id"], event.payload["status"]) == (str(application.pk), "rejected")


def test_applications_cannot_be_edited_in_the_admin(manager, customer):
    application = application_make(customer, monthly_income="40000.00")

    response = browser_for(manager).post(
        reverse("admin:financing_loanapplication_change", args=[application.pk]),
        {"status": "approved", "annual_rate": "0.01"},
    )

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "pending_review"


def test_a_lenders_overpayment_goes_back_on_two_staff_members_word(manager, admin_user, customer):
    from decimal import Decimal

    application = application_make(customer)
    LoanApplication.objects.filter(pk=application.pk).update(
        status="overpaid", disbursement_reference="BANK-9", loan_amount=Decimal("800000.00")
    )

    first = decision_action(browser_for(manager), [application], "return_overpayment", "Sent")
    application.refresh_from_db()
    status_after_first = application.status
    decision_action(browser_for(admin_user), [application], "return_overpayment", "Sent")

    application.refresh_from_db()
    assert status_after_first == "overpaid"
    assert [m.level_tag for m in get_messages(first.wsgi_request)] == ["warning"]
    assert application.status == "returned" and application.returned_at is not None
    assert sorted(application.decisions.values_list("decided_by_id", "final")) == sorted(
        [(manager.pk, False), (admin_user.pk, True)]
    )
    event = OutboxEvent.objects.get(type="loan_application.returned")
    assert event.payload["amount"] == "800000.00"
