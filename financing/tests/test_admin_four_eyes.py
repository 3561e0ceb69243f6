"""Four eyes in the admin explain themselves (docs/deal.md, "Who decides"): a first approval
above the threshold says a second is needed and waits, the record names who approved and
when, and each manager's list of what awaits a second approval leaves out what they may not
approve."""

import re

import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import browser_for
from financing.models import ApplicationDecision, LoanApplication
from financing.tests.factories import application_make

pytestmark = pytest.mark.django_db(databases="__all__")
LIST = "admin:financing_loanapplication_changelist"


def approve(user, application, language: str):
    browser = browser_for(user)
    response = browser.post(
        reverse(LIST),
        {
            "action": "approved",
            helpers.ACTION_CHECKBOX_NAME: [str(application.pk)],
            "reason": "Справка о доходах",
            "apply": "yes",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def awaiting(user) -> list[LoanApplication]:
    response = browser_for(user).get(reverse(LIST), {"second_approval": "mine"})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def large_loan(customer, settings):
    """3,190,000 to lend, over the 3,000,000 threshold, left to staff by scoring."""
    settings.FINANCING_SECOND_APPROVAL_ABOVE = 3_000_000
    application = application_make(
        customer,
        vehicle_price="3990000.00",
        down_payment="800000.00",
        monthly_income="300000.00",
    )
    assert (application.status, application.loan_amount) == ("pending_review", 3190000)
    return application


@pytest.mark.parametrize(
    ("language", "waits", "done"),
    [
        (
            "ru",
            "Первое одобрение записано; нужно второе (порог 3\xa0000\xa0000\xa0₽): "
            "1 заявка на кредит.",
            "Одобрено: 1 заявка на кредит.",
        ),
        (
            "en",
            "First approval recorded; a second is needed (threshold 3,000,000\xa0RUB): "
            "1 loan application.",
            "Approved: 1 loan application.",
        ),
    ],
)
def test_a_first_approval_above_the_threshold_says_a_second_is_needed_and_the_second_decides(
    large_loan, language, waits, done
):
    first = UserFactory(role="manager", full_name="Екатерина Смирнова")
    second = UserFactory(role="manager", full_name="Дмитрий Орлов")

    assert approve(first, large_loan, language) == [("warning", waits)]

    large_loan.refresh_from_db()
    assert large_loan.status == "pending_review"
    assert list(ApplicationDecision.objects.values_list("decided_by_id", "final")) == [
        (first.pk, False)
    ]
    # Only the second manager is asked; the first approver is not, nor the customer.
    assert awaiting(second) == [large_loan]
    assert awaiting(first) == []

    assert approve(second, large_loan, language) == [("success", done)]

    large_loan.refresh_from_db()
    assert (large_loan.status, large_loan.decided_by_id) == ("approved", second.pk)
    assert awaiting(second) == []
    # The record names both approvers, with when.
    page = browser_for(second).get(
        reverse("admin:financing_loanapplication_change", args=[large_loan.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    text = page.content.decode()
    trail = re.sub(r"<[^>]+>", " ", text[text.index('id="decisions-group"') :])  # as read
    assert "Екатерина Смирнова" in trail and "Дмитрий Орлов" in trail
    assert str(first.pk) not in trail and str(second.pk) not in trail
    assert re.search(r"\d\d[.:/]\d\d", trail)  # the time of each decision


def test_a_staff_members_own_application_is_not_in_their_list_to_approve(settings, manager):
    settings.FINANCING_SECOND_APPROVAL_ABOVE = 3_000_000
    own = application_make(
        manager, vehicle_price="3990000.00", down_payment="800000.00", monthly_income="300000.00"
    )
    approve(UserFactory(role="manager"), own, "en")

    assert awaiting(manager) == []
    assert awaiting(UserFactory(role="manager")) == [own]
