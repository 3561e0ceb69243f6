"""The dealer's credit discount (docs/financing.md, "The credit discount"): taken off the car's
price and the loan when the application goes to the partner banks, kept when the loan is
taken, and put back into the price when it is not; the order, the payments' balance and the
loan agree at every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from financing import services
from financing.models import BankOffer, LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    offers_url,
    payment_post,
    withdraw_url,
)
from orders import selectors as orders_selectors
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def banks():
    return {bank.code: bank for bank in banks_make()}


@pytest.fixture
def application(customer, run_on_commit):
    """A new Lada of 1,000,000.00 with 200,000.00 down over 60 months, approved: payments
    knows the loan is to pay 800,000.00."""
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    with run_on_commit():
        return application_make(customer, order_make(customer, (car, 1)))


def ask(customer, application, banks) -> None:
    response = client_for(customer).post(
        offers_url(application),
        {"banks": [str(bank.pk) for bank in banks], "consent": True},
        format="json",
    )
    assert response.status_code == 201, response.json()


def order_of(customer, application):
    return orders_selectors.order_get(user=customer, order_id=application.order_id)


def owed(customer, application) -> str:
    """What payments lets the customer pay now: a payment of a kopeck more than it is refused
    with the balance in its details."""
    response = payment_post(
        customer, application.order_id, "99999999.00", key=f"probe-{timezone.now().timestamp()}"
    )
    assert response.status_code == 409, response.json()
    return response.json()["error"]["details"]["owed"]


def test_asking_the_banks_takes_the_discount_off_the_price_and_the_loan(
    customer, application, banks, run_on_commit
):
    credit_discount_make(amount="100000.00", condition="new")
    credit_discount_make(amount="150000.00", name="Too much for a used car", condition="used")
    assert owed(customer, application) == "200000.00"

    with run_on_commit():
        ask(customer, application, banks.values())

    order = order_of(customer, application)
    assert (order.total_amount, order.credit_discount) == (
        Decimal("900000.00"),
        Decimal("100000.00"),
    )
    assert order.credit_discount_name == "Выгода при покупке в кредит"
    application.refresh_from_db()
    assert (application.vehicle_price, application.down_payment, application.loan_amount) == (
        Decimal("900000.00"),
        Decimal("200000.00"),
        Decimal("700000.00"),
    )
    assert application.credit_discount == Decimal("100000.00")
    # its own schedule drawn again for the smaller loan, at its rate
    schedule = LoanInstallment.objects.filter(application=application)
    assert sum(row.principal for row in schedule) == Decimal("700000.00")
    # the banks were asked for the smaller loan
    assert BankOffer.objects.get(bank__code="demo-volga").amount == Decimal("700000.00")
    discounted = OutboxEvent.objects.get(type="loan_application.discounted")
    assert (discounted.payload["amount"], discounted.payload["credit_discount"]) == (
        "700000.00",
        "100000.00",
    )
    # payments asks the buyer for the same down payment: the loan pays the rest of the lower price
    assert owed(customer, application) == "200000.00"


def test_the_loan_taken_keeps_the_discount_and_pays_the_lower_price(
    settings, customer, application, banks, run_on_commit, provider
):
    settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS = 0
    credit_discount_make(amount="100000.00")
    with run_on_commit():
        ask(customer, application, banks.values())
    with run_on_commit():
        services.offer_choose(
            user=customer, offer_id=BankOffer.objects.get(bank__code="demo-volga").pk
        )

    with run_on_commit():
        response = payment_post(customer, application.order_id, "200000.00")
        assert response.status_code == 201, response.json()

    application.refresh_from_db()
    assert (application.status, application.loan_amount) == ("disbursed", Decimal("700000.00"))
    order = order_of(customer, application)
    assert (order.status, order.total_amount, order.paid_amount) == (
        "paid",
        Decimal("900000.00"),
        Decimal("900000.00"),
    )


def test_a_loan_given_up_puts_the_discount_back_and_the_deal_agrees(
    customer, application, banks, run_on_commit, provider
):
    credit_discount_make(amount="100000.00")
    with run_on_commit():
        ask(customer, application, banks.values())

    with run_on_commit():
        response = client_for(customer).post(withdraw_url(application))

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    order = order_of(customer, application)
    assert (order.total_amount, order.credit_discount, order.credit_discount_name) == (
        Decimal("1000000.00"),
        Decimal("0.00"),
        "",
    )
    assert set(BankOffer.objects.values_list("status", flat=True)) == {"withdrawn", "refused"}
    deal = client_for(customer).get(reverse("orders-deal", args=[application.order_id])).json()
    assert deal["order"]["total_amount"] == "1000000.00"
    assert deal["order"]["credit_discount"] == "0.00"
    assert deal["balance_due"] == "1000000.00"
    assert deal["loan"]["status"] == "withdrawn"
    # nothing is financed any more: the whole price is the buyer's to pay, and paying it
    # pays the order at the price without the discount
    assert owed(customer, application) == "1000000.00"
    with run_on_commit():
        paid = payment_post(customer, application.order_id, "1000000.00")
    assert paid.status_code == 201, paid.json()
    order = order_of(customer, application)
    assert (order.status, order.paid_amount) == ("paid", Decimal("1000000.00"))


def test_an_application_waiting_for_staff_goes_to_no_bank_and_takes_no_discount(
    customer, banks, run_on_commit
):
    """The fifth review: banks asked while the application waited for staff gave the credit
    discount to a loan nobody had agreed to, and the buyer then paid the lower price in cash."""
    credit_discount_make(amount="100000.00")
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    application = application_make(
        customer, order_make(customer, (car, 1)), monthly_income="40000.00"
    )
    assert application.status == "pending_review"

    with run_on_commit():
        response = client_for(customer).post(
            offers_url(application),
            {"banks": [str(banks["demo-volga"].pk)], "consent": True},
            format="json",
        )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_approved"
    order = order_of(customer, application)
    assert (order.total_amount, order.credit_discount) == (Decimal("1000000.00"), Decimal("0"))
    application.refresh_from_db()
    assert (application.asks_banks, application.credit_discount) == (False, Decimal("0.00"))
    assert not BankOffer.objects.exists()


def test_no_discount_where_its_rules_do_not_hold(customer, application, banks, run_on_commit):
    today = timezone.localdate()
    credit_discount_make(amount="300000.00", name="Used only", condition="used")
    credit_discount_make(amount="250000.00", name="Over", valid_until=today - timedelta(days=1))
    credit_discount_make(amount="200000.00", name="Only Kia", makes=["Kia"])
    credit_discount_make(amount="150000.00", name="Too big a loan", min_loan_amount="700000.00")
    credit_discount_make(amount="120000.00", name="Long loans", min_term_months=72)
    credit_discount_make(amount="110000.00", name="Cheap cars", max_price="900000.00")
    credit_discount_make(amount="100000.00", name="Off", is_active=False)
    assert services.credit_discount_of(application) is None

    with run_on_commit():
        ask(customer, application, banks.values())

    application.refresh_from_db()
    assert (application.credit_discount, application.loan_amount) == (
        Decimal("0.00"),
        Decimal("800000.00"),
    )
    assert order_of(customer, application).total_amount == Decimal("1000000.00")
    assert not OutboxEvent.objects.filter(type="loan_application.discounted").exists()


def test_the_largest_discount_that_holds_is_taken_once(customer, application, banks):
    credit_discount_make(amount="50000.00", name="Small")
    credit_discount_make(amount="80000.00", name="Large")

    assert services.credit_discount_of(application).name == "Large"


def test_only_the_buyer_gives_their_loan_up_and_only_before_the_lender_pays(
    customer, other_customer, manager, application, banks, run_on_commit
):
    credit_discount_make(amount="100000.00")
    with run_on_commit():
        ask(customer, application, banks.values())

    theirs = client_for(other_customer).post(withdraw_url(application))
    staff = client_for(manager).post(withdraw_url(application))

    assert (theirs.status_code, staff.status_code) == (404, 404)
    application.refresh_from_db()
    assert application.status == "approved"
    assert order_of(customer, application).credit_discount == Decimal("100000.00")
    LoanApplication.objects.filter(pk=application.pk).update(status="disbursed")
    late = client_for(customer).post(withdraw_url(application))
    assert (late.status_code, late.json()["error"]["code"]) == (409, "application_not_pending")
    assert order_of(customer, application).credit_discount == Decimal("100000.00")
