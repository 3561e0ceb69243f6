"""The lender's part of the deal (docs/deal.md, "The loan"): an approved loan goes to the
lender once the order has received its down payment, and its disbursement is recorded once,
by the lender's adapter (the fake lender here) or by staff for a lender without an API."""

from decimal import Decimal

import pytest
from django.urls import reverse

from financing import services
from financing.models import LoanApplication, OutboxEvent
from financing.tests.factories import (
    application_make,
    car_order_make,
    lender_has_it,
    payment_post,
)
from orders import selectors as orders_selectors

pytestmark = pytest.mark.django_db(databases="__all__")
LOAN = Decimal("800000.00")  # application_make's default: 1,000,000.00 less 200,000.00 down


def disburse_url(application) -> str:
    return reverse("financing-application-disburse", args=[application.pk])


def events_of(type: str) -> int:
    return OutboxEvent.objects.filter(type=type).count()


def pay(customer, order, amount: str):
    """The customer pays part of the order through payments (the fake provider charges it)."""
    response = payment_post(customer, order.pk, amount)
    assert response.status_code == 201, response.json()


def loan_rows(manager_client, order_id) -> list:
    """The lender's rows in payments' ledger for the order, as staff see them."""
    rows = manager_client.get(reverse("payments-transactions"), {"order_id": str(order_id)})
    return sorted(
        (row["type"], row["amount"], row["loan_application_id"])
        for row in rows.json()["results"]
        if row["type"].startswith("loan_")
    )


# THE FAKE LENDER
# ------------------------------------------------------------------------------
@pytest.fixture
def fake_lender(settings, provider):
    settings.FINANCING_LENDER = "fake"
    settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS = 60
    return settings


def test_an_approved_loan_goes_to_the_lender_once_the_down_payment_is_in(
    customer, fake_lender, run_on_commit
):
    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)  # approved by scoring

    with run_on_commit():
        pay(customer, order, "200000.00")

    application.refresh_from_db()
    assert application.status == "approved"
    assert (application.order_paid_amount, application.order_paid_version) == (
        Decimal("200000.00"),
        1,
    )
    assert application.sent_to_lender_at is not None
    assert (application.lender, application.lender_reference) == ("fake", f"FAKE-{application.pk}")
    assert events_of("loan_application.sent_to_lender") == 1
    sent = OutboxEvent.objects.get(type="loan_application.sent_to_lender").payload
    assert (sent["id"], sent["lender"]) == (str(application.pk), "fake")
    # it has not paid yet: the fake lender pays a minute after it was sent
    assert application.disbursed_at is None
    assert events_of("loan_application.disbursed") == 0


def test_the_poll_records_what_the_fake_lender_has_paid_and_the_order_is_paid(
    customer, manager_client, fake_lender, run_on_commit
):
    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)
        pay(customer, order, "200000.00")
    assert LoanApplication.objects.get(pk=application.pk).sent_to_lender_at is not None

    fake_lender.FAKE_LENDER_DISBURSE_AFTER_SECONDS = 0
    with run_on_commit():
        disbursed = services.lenders_poll()

    assert disbursed == 1
    application.refresh_from_db()
    assert application.status == "disbursed"
    assert application.disbursement_reference == f"FAKE-{application.pk}-PAID"
    assert application.disbursed_at is not None
    assert application.disbursed_by_id is None  # the lender's adapter, not staff
    assert events_of("loan_application.disbursed") == 1
    assert loan_rows(manager_client, order.pk) == [
        ("loan_disbursement", "800000.00", str(application.pk))
    ]
    order = orders_selectors.order_get(user=customer, order_id=order.pk)
    assert (order.paid_amount, order.status) == (Decimal("1000000.00"), "paid")

    # and the next poll finds nothing more to do
    with run_on_commit():
        assert services.lenders_poll() == 0
    assert events_of("loan_application.disbursed") == 1


def test_without_the_down_payment_the_loan_is_not_sent(customer, fake_lender, run_on_commit):
    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)
        pay(customer, order, "199999.99")

    fake_lender.FAKE_LENDER_DISBURSE_AFTER_SECONDS = 0
    with run_on_commit():
        disbursed = services.lenders_poll()

    assert disbursed == 0
    application.refresh_from_db()
    assert application.order_paid_amount == Decimal("199999.99")
    assert (application.status, application.sent_to_lender_at, application.lender) == (
        "approved",
        None,
        "",
    )
    assert events_of("loan_application.sent_to_lender") == 0
    assert events_of("loan_application.disbursed") == 0


# STAFF RECORD A DISBURSEMENT
# ------------------------------------------------------------------------------
def disburse(client, application, amount=str(LOAN), reference="BANK-2026-0001"):
    return client.post(
        disburse_url(application), {"amount": amount, "reference": reference}, format="json"
    )


def test_staff_record_a_disbursement_once_per_reference(
    customer, manager, manager_client, run_on_commit
):
    application = application_make(customer)
    lender_has_it(application)

    with run_on_commit():
        first = disburse(manager_client, application)
        again = disburse(manager_client, application)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "disbursed"
    assert again.json()["disbursement_reference"] == "BANK-2026-0001"
    application.refresh_from_db()
    assert (application.status, application.disbursed_by_id) == ("disbursed", manager.pk)
    assert application.disbursement_reference == "BANK-2026-0001"
    assert events_of("loan_application.disbursed") == 1
    payload = OutboxEvent.objects.get(type="loan_application.disbursed").payload
    assert (payload["status"], payload["amount"], payload["disbursement_reference"]) == (
        "disbursed",
        "800000.00",
        "BANK-2026-0001",
    )
    assert loan_rows(manager_client, application.order_id) == [
        ("loan_disbursement", "800000.00", str(application.pk))
    ]
    order = orders_selectors.order_get(user=customer, order_id=application.order_id)
    assert order.paid_amount == LOAN


def test_a_second_disbursement_under_another_reference_is_a_conflict(customer, manager_client):
    application = application_make(customer)
    lender_has_it(application)
    disburse(manager_client, application)

    response = disburse(manager_client, application, reference="BANK-2026-0002")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_disbursed"
    application.refresh_from_db()
    assert application.disbursement_reference == "BANK-2026-0001"
    assert events_of("loan_application.disbursed") == 1


def test_a_client_cannot_record_a_disbursement(customer, customer_client):
    application = application_make(customer)
    lender_has_it(application)

    response = disburse(customer_client, application)

    assert response.status_code == 403
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("approved", None)
    assert events_of("loan_application.disbursed") == 0


def test_a_disbursement_of_another_amount_than_the_loan_is_refused(customer, manager_client):
    application = application_make(customer)
    lender_has_it(application)

    response = disburse(manager_client, application, amount="799999.99")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "disbursement_amount_mismatch"
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("approved", None)
    assert events_of("loan_application.disbursed") == 0


def test_a_loan_not_approved_cannot_be_disbursed(customer, manager_client):
    application = application_make(customer, monthly_income="40000.00")  # pending review

    response = disburse(manager_client, application)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_approved"
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("pending_review", None)
    assert events_of("loan_application.disbursed") == 0


# THE ORDER CANCELLED
# ------------------------------------------------------------------------------
def test_a_cancelled_orders_disbursed_loan_goes_back_to_the_lender(
    customer, manager_client, run_on_commit
):
    from orders import services as orders_services

    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)
        lender_has_it(application)
        disburse(manager_client, application)

    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    application.refresh_from_db()
    assert application.status == "returned"
    assert application.returned_at is not None
    assert (events_of("loan_application.disbursed"), events_of("loan_application.returned")) == (
        1,
        1,
    )
    assert loan_rows(manager_client, order.pk) == [
        ("loan_disbursement", "800000.00", str(application.pk)),
        ("loan_return", "-800000.00", str(application.pk)),
    ]


def test_money_that_arrives_after_the_order_was_cancelled_goes_straight_back(
    customer, manager_client, run_on_commit
):
    from orders import services as orders_services

    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)
        lender_has_it(application)
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    assert LoanApplication.objects.get(pk=application.pk).status == "withdrawn"

    with run_on_commit():
        response = disburse(manager_client, application)

    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == (
        "returned",
        "BANK-2026-0001",
    )
    assert (events_of("loan_application.disbursed"), events_of("loan_application.returned")) == (
        1,
        1,
    )
    assert loan_rows(manager_client, order.pk) == [
        ("loan_disbursement", "800000.00", str(application.pk)),
        ("loan_return", "-800000.00", str(application.pk)),
    ]


def test_no_disbursement_is_taken_for_a_cancelled_loan_the_lender_never_had(
    customer, manager_client, run_on_commit
):
    from orders import services as orders_services

    order = car_order_make(customer)
    with run_on_commit():
        application = application_make(customer, order)  # no down payment: never sent
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    response = disburse(manager_client, application)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_approved"
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("withdrawn", None)
    assert events_of("loan_application.disbursed") == 0


def test_a_reference_already_recorded_for_another_loan_is_refused(customer, manager_client):
    first = application_make(customer, car_order_make(customer))
    second = application_make(customer, car_order_make(customer))
    lender_has_it(first)
    lender_has_it(second)
    assert disburse(manager_client, first).status_code == 200

    response = disburse(manager_client, second)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "disbursement_reference_used"
    second.refresh_from_db()
    assert (second.status, second.disbursement_reference) == ("approved", None)
