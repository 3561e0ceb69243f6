"""Fiscal receipts (54-FZ, docs/payments.md "Fiscal receipts"), as the fake provider's books
record what it was sent: a prepayment for each payment towards an order, a full payment for
a seat or a premium, a settlement at handover that closes the prepayments, and a refund
receipt for each refund. The amounts add up to the kopeck."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from conftest import client_for
from orders import services as orders_services
from orders.tests.factories import order_make, product_make, vehicle_make
from payments import services
from payments.models import Receipt, Refund
from payments.services.receipts import settlement_receipt_issue, shares
from tests.properties import sized_property

CAR = "1800000.33"
MATS = "1234.57"  # three sets: 3703.71, which the kopecks of a share do not always divide


def pay(customer, payable, amount: str, **payable_id):
    payment, _created = services.payment_create(
        user=customer,
        amount=Decimal(amount),
        method="card",
        idempotency_key=uuid.uuid4().hex,
        **(payable_id or {"order_id": payable.pk}),
    )
    return payment


def total(lines) -> Decimal:
    return sum((Decimal(line["price"]) * line["quantity"] for line in lines), Decimal(0))


def sent(provider, receipt: Receipt) -> dict:
    """The receipt as the provider's books hold it."""
    return provider.receipts()[str(receipt.pk)]


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_deposit_and_the_rest_are_prepayments_that_the_handover_settles(
    customer, manager, provider
):
    order = order_make(customer, (vehicle_make(price=CAR), 1), (product_make(price=MATS), 3))
    deposit = pay(customer, order, "360000.00")  # the fake provider charges at commit
    rest = pay(customer, order, str(order.total_amount - Decimal("360000.00")))

    # Each charge carried its receipt: a part of the price prepaid, then the rest of it.
    first, second = (Receipt.objects.get(payment=p, kind="payment") for p in (deposit, rest))
    assert {line["payment_mode"] for line in first.lines} == {"partial_prepayment"}
    assert {line["payment_mode"] for line in second.lines} == {"full_prepayment"}
    for receipt, payment in ((first, deposit), (second, rest)):
        books = sent(provider, receipt)
        assert provider.charges()[str(payment.pk)]["receipt"] == str(receipt.pk)
        assert (books["kind"], books["email"]) == ("payment", customer.email)
        assert total(books["lines"]) == payment.amount == receipt.total
        assert {line["vat_code"] for line in books["lines"]} == {12}  # 22/122, a prepayment
        assert {line["payment_subject"] for line in books["lines"]} == {"commodity"}
        assert receipt.status == "succeeded"

    # The handover: one settlement, the goods in full, closing both prepayments.
    orders_services.order_status_set(order_id=order.pk, status="processing", user=manager)
    orders_services.order_status_set(order_id=order.pk, status="completed", user=manager)

    settlement = Receipt.objects.get(kind="settlement")
    books = sent(provider, settlement)
    assert Decimal(books["prepaid"]) == deposit.amount + rest.amount == order.total_amount
    assert total(books["lines"]) == Decimal(books["prepaid"]) == settlement.total
    assert {line["payment_mode"] for line in books["lines"]} == {"full_payment"}
    assert {line["vat_code"] for line in books["lines"]} == {11}  # 22%
    by_description = {}
    for line in books["lines"]:
        by_description.setdefault(line["description"], []).append(line)
    car_line, mats_line = (by_description[product.product_name] for product in order.items.all())
    assert total(car_line) == Decimal(CAR) and total(mats_line) == Decimal(MATS) * 3
    assert (settlement.payment_id, settlement.status) == (rest.pk, "succeeded")
    assert settlement.provider_reference == f"fake_rc_{settlement.pk}"

    # Issued again (a replayed event, a retried task) it is the same one, registered once.
    assert settlement_receipt_issue(payable_id=order.pk).pk == settlement.pk
    assert Receipt.objects.filter(kind="settlement").count() == 1
    assert len(provider.receipts()) == 3


@pytest.mark.django_db(databases="__all__")
def test_a_refund_carries_a_refund_receipt_of_the_payments_lines(
    customer, manager, provider, run_on_commit
):
    order = order_make(customer, (vehicle_make(price="1000000.00"), 1))
    with run_on_commit():
        payment = pay(customer, order, "1000000.00")

    with run_on_commit():
        services.payment_refund(
            payment_id=payment.pk, amount=Decimal("300.01"), reason="Scratch", user=manager
        )

    refund = Refund.objects.get()
    receipt = Receipt.objects.get(kind="refund")
    books = sent(provider, receipt)
    assert provider.records("refunds")[str(refund.pk)]["receipt"] == str(receipt.pk)
    assert (receipt.refund_id, books["kind"]) == (refund.pk, "refund")
    assert total(books["lines"]) == Decimal("300.01") == receipt.total
    (line,) = books["lines"]
    assert (line["payment_mode"], line["vat_code"]) == ("full_prepayment", 12)


@pytest.mark.django_db(databases="__all__")
def test_a_refund_awaiting_its_second_approval_has_no_receipt_until_approved(
    customer, manager, provider, run_on_commit, settings
):
    settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal("100")
    order = order_make(customer, (vehicle_make(price="1000.00"), 1))
    with run_on_commit():
        payment = pay(customer, order, "1000.00")
    with run_on_commit():
        refund = services.payment_refund(
            payment_id=payment.pk, amount=Decimal("500"), reason="Scratch", user=manager
        )
    assert refund.status == "awaiting_approval"
    assert not Receipt.objects.filter(kind="refund").exists()

    with run_on_commit():
        services.refund_decide(
            refund_id=refund.pk,
            decision="approved",
            reason="Agreed",
            user=UserFactory(role="manager"),
        )

    receipt = Receipt.objects.get(kind="refund")
    assert sent(provider, receipt)["lines"][0]["price"] == "500.00"


@pytest.mark.django_db(databases="__all__")
def test_a_seat_and_a_premium_paid_at_once_are_full_payments(customer, provider, run_on_commit):
    # given: the showroom reported a seat held for payment, insurance a bought policy
    registration_id = uuid.uuid4()
    services.registration_payable_note(
        registration_id=registration_id,
        customer_id=customer.pk,
        status="pending_payment",
        amount="1500.00",
        currency="RUB",
    )
    order = order_make(customer, (vehicle_make(price="1000000.00"), 1))
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
        seat = pay(customer, None, "1500.00", registration_id=registration_id)
        premium = pay(customer, None, "45000.00", policy_id=policy_id)

    lines = {
        payment.amount: sent(provider, payment.receipts.get())["lines"]
        for payment in (seat, premium)
    }
    assert [
        (line["payment_mode"], line["payment_subject"], line["vat_code"], line["price"])
        for amount in (Decimal("1500.00"), Decimal("45000.00"))
        for line in lines[amount]
    ] == [
        ("full_payment", "service", 11, "1500.00"),
        ("full_payment", "service", 1, "45000.00"),  # premiums are exempt from VAT
    ]


@pytest.mark.django_db(databases="__all__")
def test_a_payments_receipts_are_its_payers_and_staffs_to_read(
    customer, other_customer, manager, provider, run_on_commit, api_client
):
    order = order_make(customer, (vehicle_make(price="1000.00"), 1))
    with run_on_commit():
        payment = pay(customer, order, "400.00")
    url = reverse("payments-receipts", args=[payment.pk])

    shown = client_for(customer).get(url)
    by_staff = client_for(manager).get(url)

    assert shown.status_code == 200
    (receipt,) = shown.json()["results"]
    assert (receipt["kind"], receipt["status"], receipt["total"]) == (
        "payment",
        "succeeded",
        "400.00",
    )
    assert receipt["lines"][0]["payment_mode"] == "partial_prepayment"
    assert by_staff.json()["results"] == shown.json()["results"]
    assert client_for(other_customer).get(url).status_code == 404
    assert api_client.get(url).status_code == 401


@sized_property()
@given(
    weights=st.lists(
        st.decimals(min_value="0.01", max_value="99999999.99", places=2), min_size=1, max_size=6
    ),
    cents=st.integers(min_value=1, max_value=99_999_999_999),
)
def test_shares_add_up_to_the_kopeck_and_follow_the_weights(weights, cents):
    amount = Decimal(cents) / 100

    parts = shares(weights, amount)

    assert sum(parts) == amount
    assert all(part == part.quantize(Decimal("0.01")) and part >= 0 for part in parts)
    whole = sum(weights)
    assert all(
        abs(part - amount * w / whole) < Decimal("0.01")
        for part, w in zip(parts, weights, strict=True)
    )
