"""Where the deal's paths meet (docs/deal.md, "Never paid past the total"), with the events
carried as in services mode: nothing is published at commit, and the test relays each app's
outbox when it chooses, so that events arrive late and in another order than they were
emitted (common.events.publishing.publish_pending, what the relay runs; tasks run in this
process). Each test replays a finding of the review of issue 82."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from common.events import publishing
from conftest import browser_for, client_for
from financing import services as financing_services
from financing.models import ApplicationDecision, BankOffer
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    decision_url,
    offers_url,
)
from orders.models import Order, OrderItem
from orders.tests.factories import order_make, product_make, vehicle_make
from payments.models import LedgerTransaction, Payment
from payments.selectors import received

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PRICE = Decimal("1000000.00")
APPS = ("accounts", "catalog", "orders", "payments", "financing", "insurance", "documents")


@pytest.fixture(autouse=True)
def by_the_relay(settings):
    """Events wait in their outboxes until `relay` carries them, as between processes."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    settings.FINANCING_LENDER = "manual"


def relay(*apps: str) -> None:
    """Carry what `apps` have emitted (every app by default) until none emits more."""
    while sum(publishing.publish_pending(app) for app in apps or APPS):
        pass


def pay(customer, order, amount: str):
    response = client_for(customer).post(
        "/api/v1/payments/",
        {"order_id": str(order.pk), "amount": amount, "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def charge(customer, order, amount: str) -> None:
    """The customer's card payment, charged by the provider; only payments knows of it."""
    payment_id = pay(customer, order, amount)
    publishing.publish_pending("payments")  # payment.created: the charge, in a task
    assert Payment.objects.get(pk=payment_id).status == "completed"


def ledger(order) -> list[tuple[str, Decimal]]:
    rows = LedgerTransaction.objects.filter(payable_id=order.pk).order_by("created_at")
    return list(rows.values_list("type", "amount"))


@pytest.fixture
def car_order(customer):
    order = order_make(customer, (vehicle_make(price=str(PRICE), make="Lada", year=2026), 1))
    relay()
    return order


def test_an_approval_on_an_order_paid_by_card_is_refused_and_the_loan_withdrawn(
    customer, manager, car_order
):
    """Finding 1: an order paid in full by card with a loan still pending; a manager
    approved the loan, which was then paid out: paid 180 %."""
    application = application_make(customer, car_order, monthly_income="40000.00")
    assert application.status == "pending_review"
    charge(customer, car_order, "1000000.00")  # financing and orders have not heard yet

    approval = client_for(manager).post(
        decision_url(application), {"decision": "approved", "reason": "ok"}, format="json"
    )

    assert approval.status_code == 409, approval.json()
    error = approval.json()["error"]
    assert error["code"] == "loan_would_overpay"
    assert error["details"] == {
        "total": "1000000.00",
        "received": "1000000.00",
        "loan_amount": "800000.00",
    }
    application.refresh_from_db()
    assert application.status == "pending_review"
    assert not ApplicationDecision.objects.filter(application=application).exists()

    relay()  # the payment reaches orders (paid), and the order's status reaches financing

    application.refresh_from_db()
    order = Order.objects.get(pk=car_order.pk)
    assert (order.status, order.paid_amount) == ("paid", PRICE)
    assert application.status == "withdrawn"
    assert application.reasons[-1]["code"] == "order_paid_otherwise"
    assert ledger(order) == [("charge", PRICE)]


def test_the_admins_approval_names_the_amounts_it_would_pay_twice(customer, manager, car_order):
    """Finding 1 as the manager met it: the admin's action "approve" on the paid order's loan."""
    application = application_make(customer, car_order, monthly_income="40000.00")
    charge(customer, car_order, "1000000.00")

    response = browser_for(manager).post(
        reverse("admin:financing_loanapplication_changelist"),
        {
            "action": "approved",
            helpers.ACTION_CHECKBOX_NAME: [str(application.pk)],
            "reason": "Payslips",
            "apply": "yes",
        },
    )

    application.refresh_from_db()
    assert application.status == "pending_review"
    assert not application.decisions.exists()
    messages = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert messages == [
        (
            "error",
            f"{application}: The order's total is 1,000,000.00\xa0RUB and it has already "
            "received 1,000,000.00\xa0RUB: a loan of 800,000.00\xa0RUB would pay it past its "
            "total.",
        )
    ]


def test_a_lenders_money_for_an_order_paid_otherwise_is_held_and_returned_under_four_eyes(
    customer, manager, admin_user, car_order
):
    """Finding 1 where events cross late: the loan went to the lender on its down payment;
    payments had not heard of the approval, so the buyer paid the rest by card; then the
    lender paid too. Its money is held for it, never the buyer's, and goes back on two
    staff members' word."""
    application = application_make(customer, car_order)  # approved: 800,000 on 200,000 down
    charge(customer, car_order, "200000.00")
    relay("payments")  # the down payment reaches financing, which sends the loan
    application.refresh_from_db()
    assert application.sent_to_lender_at is not None and application.lender == "manual"
    charge(customer, car_order, "800000.00")  # payments never heard the loan was approved
    relay("payments")

    by_hand = client_for(manager).post(
        f"/api/v1/financing/applications/{application.pk}/disburse",
        {"amount": "800000.00", "reference": "BANK-1"},
        format="json",
    )
    assert by_hand.status_code == 409 and by_hand.json()["error"]["code"] == "loan_would_overpay"
    # the lender reports its money anyway (a bank's callback, a late answer)
    financing_services.application_disburse(
        application_id=application.pk, amount=Decimal("800000.00"), reference="BANK-2"
    )
    relay()

    order = Order.objects.get(pk=car_order.pk)
    application.refresh_from_db()
    assert (order.status, order.paid_amount) == ("paid", PRICE)
    assert received(order.pk) == PRICE
    assert ledger(order) == [
        ("charge", Decimal("200000.00")),
        ("charge", Decimal("800000.00")),
        ("loan_overpayment", Decimal("800000.00")),
    ]
    assert application.status == "overpaid"
    link = order.links.get(kind="loan_application")
    assert link.status == "overpaid"

    financing_services.application_overpayment_return(application_id=application.pk, user=manager)
    application.refresh_from_db()
    assert application.status == "overpaid"  # the first of two
    with pytest.raises(Exception, match="approved this already"):
        financing_services.application_overpayment_return(
            application_id=application.pk, user=manager
        )
    with pytest.raises(Exception, match="Nobody decides their own"):
        financing_services.application_overpayment_return(
            application_id=application.pk, user=customer
        )
    financing_services.application_overpayment_return(
        application_id=application.pk, user=admin_user
    )
    relay()

    application.refresh_from_db()
    order.refresh_from_db()
    assert application.status == "returned" and application.returned_at is not None
    assert ledger(order)[-1] == ("loan_overpayment_return", Decimal("-800000.00"))
    assert (order.status, order.paid_amount, received(order.pk)) == ("paid", PRICE, PRICE)


def test_the_credit_discount_goes_when_the_order_is_paid_otherwise(customer, car_order):
    """Finding 8: the 100,000 credit discount was kept by a buyer who paid cash. Banks are
    asked only for an approved application; paid otherwise, the loan is withdrawn, the
    discount goes back into the price, and the buyer owes it."""
    credit_discount_make(amount="100000.00")
    banks = [bank.pk for bank in banks_make()]
    waiting = application_make(customer, car_order, monthly_income="40000.00")
    asked_too_soon = client_for(customer).post(
        offers_url(waiting), {"banks": [str(pk) for pk in banks], "consent": True}, format="json"
    )
    assert asked_too_soon.status_code == 409
    assert Order.objects.get(pk=car_order.pk).credit_discount == Decimal("0.00")
    assert not BankOffer.objects.exists()
    financing_services.application_withdraw(user=customer, application_id=waiting.pk)
    relay()

    application = application_make(customer, car_order)  # approved
    asked = client_for(customer).post(
        offers_url(application),
        {"banks": [str(pk) for pk in banks], "consent": True},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    assert Order.objects.get(pk=car_order.pk).total_amount == Decimal("900000.00")
    charge(customer, car_order, "900000.00")  # payments has not heard of the loan yet
    relay()

    order = Order.objects.get(pk=car_order.pk)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert (order.credit_discount, order.total_amount) == (Decimal("0.00"), PRICE)
    assert (order.status, order.paid_amount) == ("pending", Decimal("900000.00"))
    owed = client_for(customer).post(
        "/api/v1/payments/",
        {"order_id": str(order.pk), "amount": "100000.01", "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="probe",
    )
    assert owed.json()["error"]["details"]["owed"] == "100000.00"


def test_an_order_without_a_car_earns_no_car_discount(customer):
    """Finding 10: 60 dash cams financed through a bank got the new-car discount."""
    credit_discount_make(amount="100000.00")
    order = order_make(customer, (product_make(stock=60, price="12900.00"), 60))
    relay()
    application = application_make(
        customer, order, vehicle_price="774000.00", down_payment="200000.00"
    )
    asked = client_for(customer).post(
        offers_url(application),
        {"banks": [str(bank.pk) for bank in banks_make()], "consent": True},
        format="json",
    )

    application.refresh_from_db()
    order.refresh_from_db()
    assert asked.status_code == 201, asked.json()
    assert (order.total_amount, order.credit_discount) == (Decimal("774000.00"), Decimal("0"))
    assert application.credit_discount == Decimal("0.00")
    assert application.loan_amount == Decimal("574000.00")


def test_the_lines_a_loan_is_sized_on_stay_as_they_are(customer):
    """Finding 9: twenty dash cams shrunk to one after the loan was sized on them; the bank
    paid the loan on the old total and the order ended paid past its new one."""
    car = vehicle_make(price="2590000.00", make="Skoda", year=2026)
    cams = product_make(stock=20, price="12900.00")
    order = order_make(customer, (car, 1), (cams, 20))
    relay()
    application_make(customer, order, vehicle_price="2848000.00", down_payment="700000.00")
    relay("financing")  # orders hears of the application
    item = OrderItem.objects.get(order=order, product_id=cams.pk)

    shrunk = client_for(customer).patch(
        f"/api/v1/orders/{order.pk}/items/{item.pk}/", {"quantity": 1}, format="json"
    )

    assert shrunk.status_code == 409, shrunk.json()
    assert shrunk.json()["error"]["code"] == "order_financed"
    item.refresh_from_db()
    order.refresh_from_db()
    assert (item.quantity, order.total_amount) == (20, Decimal("2848000.00"))


def test_no_line_change_takes_the_total_below_what_was_paid(customer):
    cams = product_make(stock=20, price="10000.00")
    order = order_make(customer, (cams, 10))
    relay()
    charge(customer, order, "50000.00")
    relay()
    item = OrderItem.objects.get(order=order)

    shrunk = client_for(customer).patch(
        f"/api/v1/orders/{order.pk}/items/{item.pk}/", {"quantity": 4}, format="json"
    )
    kept = client_for(customer).patch(
        f"/api/v1/orders/{order.pk}/items/{item.pk}/", {"quantity": 5}, format="json"
    )

    assert shrunk.status_code == 409 and shrunk.json()["error"]["code"] == "order_not_editable"
    assert kept.status_code == 200
    order.refresh_from_db()
    assert (order.total_amount, order.paid_amount) == (Decimal("50000.00"), Decimal("50000.00"))
