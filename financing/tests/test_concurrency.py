"""Concurrent applications, disbursements and cancellations against PostgreSQL from real
threads; every transaction commits."""

import queue
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for, run_concurrently
from financing import services
from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.reasons import reason
from financing.tests.factories import (
    LIST_URL,
    application_make,
    car_order_make,
    lender_has_it,
    terms,
)

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_ten_concurrent_applications_for_one_order_open_exactly_one(customer):
    order = car_order_make(customer)
    client = client_for(customer)
    body = {"order_id": str(order.pk), **terms(monthly_income="50000.00")}

    responses = run_concurrently(10, lambda: client.post(LIST_URL, body, format="json"))

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"application_already_open"}
    application = LoanApplication.objects.get()
    assert application.status == "pending_review"
    assert LoanInstallment.objects.filter(application=application).count() == 60
    assert OutboxEvent.objects.filter(type="loan_application.submitted").count() == 1


def payments_loan_rows(order) -> list:
    """The lender's rows in payments' ledger for the order, as staff see them."""
    rows = client_for(UserFactory(role="manager")).get(
        reverse("payments-transactions"), {"order_id": str(order.pk)}
    )
    return sorted(
        (row["type"], row["amount"]) for row in rows.json()["results"] if row["type"] != "charge"
    )


def test_ten_concurrent_records_of_one_disbursement_disburse_it_once(customer):
    order = car_order_make(customer)
    application = application_make(customer, order)  # approved by scoring: 800,000.00
    lender_has_it(application, lender="fake")  # only a lender the loan went to pays it

    results = run_concurrently(
        10,
        lambda: services.application_disburse(
            application_id=application.pk, amount=Decimal("800000.00"), reference="BANK-1"
        ).status,
    )

    assert results == ["disbursed"] * 10
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("disbursed", "BANK-1")
    assert OutboxEvent.objects.filter(type="loan_application.disbursed").count() == 1
    assert payments_loan_rows(order) == [("loan_disbursement", "800000.00")]


@pytest.mark.parametrize("round", range(3))  # either may take the application's lock first
def test_a_cancellation_racing_a_disbursement_never_leaves_the_loan_with_a_cancelled_order(
    customer, round
):
    order = car_order_make(customer)
    application = application_make(customer, order)
    lender_has_it(application)
    # the cancellation as financing's consumer of `order.cancelled` carries it out, and the
    # lender's money arriving, released at the same moment
    jobs = queue.SimpleQueue()
    jobs.put(lambda: services.order_applications_withdraw(order_id=order.pk))
    jobs.put(
        lambda: services.application_disburse(
            application_id=application.pk, amount=Decimal("800000.00"), reference="BANK-1"
        )
    )

    run_concurrently(2, lambda: jobs.get()())

    application.refresh_from_db()
    disbursed = OutboxEvent.objects.filter(type="loan_application.disbursed").count()
    returned = OutboxEvent.objects.filter(type="loan_application.returned").count()
    assert application.status in ("returned", "withdrawn")
    if application.status == "returned":
        assert (disbursed, returned) == (1, 1)
        assert application.returned_at is not None
        assert payments_loan_rows(order) == [
            ("loan_disbursement", "800000.00"),
            ("loan_return", "-800000.00"),
        ]
    else:
        assert (disbursed, returned) == (0, 0)
        assert payments_loan_rows(order) == []
    # `loan_application.withdrawn` is said only when the cancellation took the lock first
    withdrawn_first = reason("order_cancelled") in application.reasons
    assert OutboxEvent.objects.filter(type="loan_application.withdrawn").count() == int(
        withdrawn_first
    )


def test_two_offers_taken_at_once_leave_exactly_one_chosen(customer):
    from financing.models import BankOffer
    from financing.tests.factories import banks_make, choose_url, offers_url
    from orders.tests.factories import order_make, vehicle_make

    banks = banks_make()
    order = order_make(customer, (vehicle_make(price="1000000.00", year=2026), 1))
    application = application_make(customer, order)
    client = client_for(customer)
    asked = client.post(
        offers_url(application),
        {"banks": [str(bank.pk) for bank in banks], "consent": True},
        format="json",
    )
    assert asked.status_code == 201
    offered = list(BankOffer.objects.filter(status="offered"))
    assert len(offered) == 2
    urls = queue.Queue()
    for offer in offered * 4:
        urls.put(choose_url(offer))

    responses = run_concurrently(8, lambda: client_for(customer).post(urls.get()))

    assert sorted(r.status_code for r in responses).count(200) == 1
    assert {r.status_code for r in responses} == {200, 409}
    assert BankOffer.objects.filter(status="chosen").count() == 1
    assert BankOffer.objects.filter(status="declined").count() == 1
    chosen = BankOffer.objects.get(status="chosen")
    application.refresh_from_db()
    assert application.bank_id == chosen.bank_id
    assert LoanInstallment.objects.filter(application=application).count() == 60


def test_ten_requests_to_the_banks_at_once_take_the_credit_discount_once(customer):
    from financing.models import BankOffer
    from financing.tests.factories import banks_make, credit_discount_make, offers_url
    from orders import selectors as orders_selectors
    from orders.tests.factories import order_make, vehicle_make

    volga = next(bank for bank in banks_make() if bank.code == "demo-volga")
    credit_discount_make(amount="100000.00")
    order = order_make(customer, (vehicle_make(price="1000000.00", year=2026), 1))
    application = application_make(customer, order)
    body = {"banks": [str(volga.pk)], "consent": True}

    responses = run_concurrently(
        10, lambda: client_for(customer).post(offers_url(application), body, format="json")
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "offers_already_requested"
    }
    application.refresh_from_db()
    assert (application.loan_amount, application.credit_discount) == (
        Decimal("700000.00"),
        Decimal("100000.00"),
    )
    order = orders_selectors.order_get(user=customer, order_id=order.pk)
    assert (order.total_amount, order.credit_discount) == (
        Decimal("900000.00"),
        Decimal("100000.00"),
    )
    assert BankOffer.objects.count() == 1
    assert OutboxEvent.objects.filter(type="loan_application.discounted").count() == 1
