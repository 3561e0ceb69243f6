"""A payment pays one payable (an order, a seat at a paid event, a policy's premium), and the
lender's money counts towards an order as the customer's does (docs/deal.md, "Payables")."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make
from payments import services
from payments.choices import TransactionType
from payments.models import LedgerTransaction, OutboxEvent, Payable, Payment
from payments.selectors import received

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("payments-list")
PAYABLE_IDS = {"order_id", "registration_id", "policy_id", "work_order_id"}


def pay(client, amount: str, key: str = "key-1", **payable_ids):
    body = {"amount": amount, "method": "card", **payable_ids}
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def car_order(customer, price: str = "1000000.00"):
    return order_make(customer, (product_make(price=price), 1))


def paid_amount(customer, order) -> Decimal:
    """What orders has learnt from payments' events that the order received."""
    return orders_selectors.order_get(user=customer, order_id=order.pk).paid_amount


def loan_record(order, application_id, type=TransactionType.LOAN_DISBURSEMENT, amount="800000.00"):
    """What payments' consumer of `loan_application.disbursed` / `loan_application.returned` does."""
    return services.loan_record(
        order_id=order.pk,
        application_id=application_id,
        customer_id=order.customer_id,
        type=type,
        amount=Decimal(amount),
        currency=order.currency,
        reference=f"BANK-{application_id}",
    )


# EXACTLY ONE PAYABLE
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "named", [(), ("order_id", "registration_id"), ("order_id", "policy_id"), tuple(PAYABLE_IDS)]
)
def test_a_payment_names_exactly_one_of_an_order_a_registration_and_a_policy(
    customer_client, customer, named
):
    order = car_order(customer, "10.00")
    ids = {name: str(order.pk if name == "order_id" else uuid.uuid4()) for name in named}

    response = pay(customer_client, "10.00", **ids)

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == PAYABLE_IDS
    assert not Payment.objects.exists()
    assert not Payable.objects.exists()


def test_a_policy_payments_was_never_told_about_is_not_found(customer_client):
    response = pay(customer_client, "10.00", policy_id=str(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "policy_not_found"
    assert not Payment.objects.exists()


def test_a_premium_insurance_reported_is_paid_as_a_policy_payable(
    customer_client, customer, run_on_commit
):
    # given: insurance reported a bought policy of an order (its `insurance_policy.purchased`)
    order = car_order(customer)
    policy_id = uuid.uuid4()
    services.policy_payable_note(
        policy_id=policy_id,
        order_id=order.pk,
        customer_id=customer.pk,
        status="pending_payment",
        premium="45000.00",
        currency="RUB",
    )

    with run_on_commit():
        response = pay(customer_client, "45000.00", policy_id=str(policy_id))

    assert response.status_code == 201
    shown = response.json()
    assert (shown["payable_kind"], shown["payable_id"], shown["policy_id"]) == (
        "policy",
        str(policy_id),
        str(policy_id),
    )
    assert shown["order_id"] is shown["registration_id"] is None
    assert "kind" not in shown
    payment = Payment.objects.get()
    assert (payment.payable_kind, payment.payable_id, payment.status) == (
        "policy",
        policy_id,
        "completed",
    )
    charge = LedgerTransaction.objects.get()
    assert (charge.payable_kind, charge.payable_id) == ("policy", policy_id)
    # the premium is not the order's money
    assert paid_amount(customer, order) == Decimal("0.00")


# THE LEDGER
# ------------------------------------------------------------------------------
def test_an_orders_ledger_shows_its_charge_as_the_orders(
    customer_client, customer, manager_client, run_on_commit
):
    order = car_order(customer, "1000.00")
    with run_on_commit():
        paid = pay(customer_client, "1000.00", order_id=str(order.pk))

    url = reverse("payments-transactions")
    by_order = manager_client.get(url, {"order_id": str(order.pk)}).json()
    by_payable = manager_client.get(url, {"payable_id": str(order.pk)}).json()

    payment = Payment.objects.get()
    assert (paid.json()["payable_kind"], paid.json()["payable_id"]) == ("order", str(order.pk))
    assert (payment.payable_kind, payment.payable_id) == ("order", order.pk)
    charge = LedgerTransaction.objects.get()
    assert (charge.type, charge.amount, charge.payable_kind, charge.payable_id) == (
        "charge",
        Decimal("1000.00"),
        "order",
        order.pk,
    )
    assert (charge.payment_id, charge.loan_application_id) == (payment.pk, None)
    (row,) = by_order["results"]
    assert by_payable["results"] == [row]
    assert {key: row[key] for key in ("type", "amount", "payable_kind", "payable_id")} == {
        "type": "charge",
        "amount": "1000.00",
        "payable_kind": "order",
        "payable_id": str(order.pk),
    }
    assert (row["payment"], row["loan_application_id"]) == (str(payment.pk), None)
    assert "order_id" not in row


# THE LENDER'S MONEY
# ------------------------------------------------------------------------------
def test_a_disbursement_reported_twice_is_recorded_once_and_counts_as_received(
    customer, customer_client, run_on_commit
):
    order = car_order(customer)
    application_id = uuid.uuid4()

    with run_on_commit():
        first = loan_record(order, application_id)
        again = loan_record(order, application_id)

    assert again is None
    row = LedgerTransaction.objects.get()
    assert row == first
    assert (row.type, row.amount, row.payment_id, row.loan_application_id) == (
        "loan_disbursement",
        Decimal("800000.00"),
        None,
        application_id,
    )
    assert (row.payable_kind, row.payable_id) == ("order", order.pk)
    assert received(order.pk) == Decimal("800000.00")
    assert OutboxEvent.objects.filter(type="payment.loan_recorded").count() == 1
    assert paid_amount(customer, order) == Decimal("800000.00")
    # the customer owes what the loan leaves, and no more
    refused = pay(customer_client, "200000.01", key="over", order_id=str(order.pk))
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["owed"] == "200000.00"
    assert pay(customer_client, "200000.00", key="rest", order_id=str(order.pk)).status_code == 201


def test_a_loan_returned_to_the_lender_nets_its_disbursement_out(customer, run_on_commit):
    order = car_order(customer)
    application_id = uuid.uuid4()

    with run_on_commit():
        loan_record(order, application_id)
        loan_record(order, application_id, TransactionType.LOAN_RETURN)
        loan_record(order, application_id, TransactionType.LOAN_RETURN)

    rows = LedgerTransaction.objects.order_by("created_at")
    assert [(row.type, row.amount) for row in rows] == [
        ("loan_disbursement", Decimal("800000.00")),
        ("loan_return", Decimal("-800000.00")),
    ]
    assert received(order.pk) == Decimal("0.00")
    assert paid_amount(customer, order) == Decimal("0.00")


def test_an_approved_loan_leaves_the_customer_only_the_rest_to_pay(customer, customer_client):
    order = car_order(customer)
    application_id = uuid.uuid4()
    loan = {
        "order_id": order.pk,
        "application_id": application_id,
        "customer_id": customer.pk,
        "amount": Decimal("800000.00"),
        "currency": "RUB",
    }
    approved_at = timezone.now()
    services.order_financing_note(**loan, status="approved", reported_at=approved_at)

    refused = pay(customer_client, "200000.01", key="over", order_id=str(order.pk))
    accepted = pay(customer_client, "200000.00", key="rest", order_id=str(order.pk))

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "amount_exceeds_balance"
    assert refused.json()["error"]["details"]["owed"] == "200000.00"
    assert accepted.status_code == 201
    assert Payment.objects.get().amount == Decimal("200000.00")
    assert Payable.objects.get(pk=order.pk).financed_amount == Decimal("800000.00")

    # when: the loan is withdrawn, the customer may pay the whole of what is left
    services.order_financing_note(
        **loan, status="withdrawn", reported_at=approved_at + timedelta(seconds=1)
    )
    # and an approval delivered after the withdrawal it preceded changes nothing
    services.order_financing_note(**loan, status="approved", reported_at=approved_at)

    assert Payable.objects.get(pk=order.pk).financed_amount == Decimal("0.00")
    rest = pay(customer_client, "800000.00", key="all", order_id=str(order.pk))
    assert rest.status_code == 201
    assert Payment.objects.count() == 2
