"""Staff decide the applications the scoring left pending review, once, with a reason; never
their own, and a large loan only with a second manager's approval."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from conftest import client_for
from financing.models import ApplicationDecision, OutboxEvent
from financing.reasons import reason_label
from financing.tests.factories import application_make, decision_url, detail_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_manager_decides_an_application_pending_review(
    customer, manager, manager_client, customer_client
):
    application = application_make(customer, monthly_income="40000.00")

    response = manager_client.post(
        decision_url(application), {"decision": "approved", "reason": "Stable employer"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("approved", manager.pk)
    assert application.decided_at is not None
    assert reason_label(application.reasons[-1]) == "Staff decision: Stable employer"
    event = OutboxEvent.objects.get(type="loan_application.approved")
    assert (event.payload["id"], event.payload["status"]) == (str(application.pk), "approved")
    assert customer_client.get(detail_url(application)).json()["status"] == "approved"


def test_a_client_cannot_decide_even_their_own_application(customer, customer_client):
    application = application_make(customer, monthly_income="40000.00")

    response = customer_client.post(
        decision_url(application), {"decision": "approved", "reason": "Trust me"}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("pending_review", None)
    assert not OutboxEvent.objects.filter(type="loan_application.approved").exists()


def test_an_application_already_decided_cannot_be_decided_again(customer, admin_client):
    application = application_make(customer)  # approved by scoring

    response = admin_client.post(
        decision_url(application), {"decision": "rejected", "reason": "Changed my mind"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_pending"
    application.refresh_from_db()
    assert application.status == "approved"
    assert not OutboxEvent.objects.filter(type="loan_application.rejected").exists()


def test_a_decision_must_be_approve_or_reject_with_a_reason(customer, manager_client):
    application = application_make(customer, monthly_income="40000.00")

    withdrawn = manager_client.post(decision_url(application), {"decision": "withdrawn"})

    assert withdrawn.status_code == 400
    assert set(withdrawn.json()["error"]["details"]) == {"decision", "reason"}
    application.refresh_from_db()
    assert application.status == "pending_review"


# FOUR EYES (docs/deal.md, "Who decides")
# ------------------------------------------------------------------------------
@pytest.fixture
def second_approval_above_half_a_million(settings):
    """application_make's loan of 800,000.00 then needs two managers to approve it."""
    settings.FINANCING_SECOND_APPROVAL_ABOVE = Decimal("500000.00")


@pytest.fixture
def second_manager(db):
    return UserFactory(role="manager")


def decide(client, application, decision="approved", reason="Stable employer"):
    return client.post(decision_url(application), {"decision": decision, "reason": reason})


def test_staff_cannot_decide_their_own_application(manager, manager_client):
    application = application_make(manager, monthly_income="40000.00")  # pending review

    response = decide(manager_client, application)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_record"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("pending_review", None)
    assert not ApplicationDecision.objects.exists()
    assert not OutboxEvent.objects.filter(type="loan_application.approved").exists()


@pytest.mark.usefixtures("second_approval_above_half_a_million")
def test_a_large_loan_approved_by_one_manager_waits_for_a_second(
    customer, manager, manager_client, second_manager
):
    application = application_make(customer, monthly_income="40000.00")

    first = decide(manager_client, application)

    assert first.status_code == 200
    assert first.json()["status"] == "pending_review"
    assert [(row["decided_by_id"], row["final"]) for row in first.json()["decisions"]] == [
        (str(manager.pk), False)
    ]
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("pending_review", None)
    assert not OutboxEvent.objects.filter(type="loan_application.approved").exists()

    # when: the same manager approves again, it is refused; a second manager decides it
    again = decide(manager_client, application)
    second = decide(client_for(second_manager), application, reason="Checked the employer")

    assert again.status_code == 403
    assert again.json()["error"]["code"] == "second_approver_required"
    assert second.status_code == 200
    assert second.json()["status"] == "approved"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("approved", second_manager.pk)
    decisions = ApplicationDecision.objects.filter(application=application).order_by("created_at")
    assert [(row.decided_by_id, row.decision, row.final) for row in decisions] == [
        (manager.pk, "approved", False),
        (second_manager.pk, "approved", True),
    ]
    assert decisions[1].amount == Decimal("800000.00")
    assert OutboxEvent.objects.filter(type="loan_application.approved").count() == 1


@pytest.mark.usefixtures("second_approval_above_half_a_million")
def test_one_manager_rejects_a_large_loan_at_once(customer, manager, manager_client):
    application = application_make(customer, monthly_income="40000.00")

    response = decide(manager_client, application, "rejected", "Income unconfirmed")

    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("rejected", manager.pk)
    decision = ApplicationDecision.objects.get()
    assert (decision.decision, decision.final) == ("rejected", True)
    assert OutboxEvent.objects.filter(type="loan_application.rejected").count() == 1


def test_a_loan_at_most_the_threshold_is_approved_by_one_manager(
    customer, manager, manager_client, settings
):
    settings.FINANCING_SECOND_APPROVAL_ABOVE = Decimal("800000.00")
    application = application_make(customer, monthly_income="40000.00")

    response = decide(manager_client, application)

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == "approved"
    assert [row["final"] for row in response.json()["decisions"]] == [True]
    assert ApplicationDecision.objects.get().decided_by_id == manager.pk
