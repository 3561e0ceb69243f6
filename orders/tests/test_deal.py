"""The deal at a glance (docs/deal.md): built from what the other domains reported about the
order, it says what is still due and what stands between the order and `paid`."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from conftest import client_for
from orders import services
from orders.selectors import deal_of_buyer
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


def note(order, kind: str, status: str, amount: str, reference_id=None):
    """What payments, financing or insurance would report, as orders notes it."""
    return services.order_link_note(
        order_id=order.pk,
        kind=kind,
        reference_id=reference_id or uuid.uuid4(),
        status=status,
        amount=Decimal(amount),
        currency="RUB",
        reported_at=timezone.now(),
        event=f"{kind}.reported",
    )


def deal(user, order) -> dict:
    response = client_for(user).get(f"/api/v1/orders/{order.pk}/deal")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_financed_order_shows_the_down_payment_then_the_lenders_part_as_still_to_come(customer):
    order = order_make(customer, (vehicle_make(price="2590000.00"), 1))
    loan = uuid.uuid4()
    note(order, "loan_application", "approved", "2090000.00", loan)

    before = deal(customer, order)

    assert before["balance_due"] == "2590000.00"
    assert [(s["code"], s["amount"]) for s in before["outstanding"]] == [
        ("payment_due", "500000.00"),
        ("loan_awaiting_lender", "2090000.00"),
    ]

    # when: the down payment is captured and the loan goes to the lender
    note(order, "payment", "completed", "500000.00")
    services.order_paid_amount_set(order_id=order.pk, paid_amount=Decimal("500000.00"), version=1)
    note(order, "loan_application", "sent_to_lender", "2090000.00", loan)
    note(order, "insurance_policy", "pending_payment", "64000.00")

    after = deal(customer, order)

    assert after["balance_due"] == "2090000.00"
    assert [(s["code"], s["amount"]) for s in after["outstanding"]] == [
        ("loan_awaiting_disbursement", "2090000.00")
    ]
    assert after["payments"]["captured"] == "500000.00"
    assert (after["loan"]["status"], after["loan"]["amount"], after["loan"]["disbursed"]) == (
        "sent_to_lender",
        "2090000.00",
        False,
    )
    assert [(p["status"], p["amount"], p["paid"]) for p in after["policies"]] == [
        ("pending_payment", "64000.00", False)
    ]


def test_a_paid_order_has_nothing_outstanding(customer, manager):
    order = order_make(customer, (vehicle_make(price="1000000.00"), 1))
    note(order, "payment", "completed", "1000000.00")
    services.order_paid_amount_set(order_id=order.pk, paid_amount=Decimal("1000000.00"), version=1)

    shown = deal(manager, order)  # staff see any order's deal

    assert (shown["order"]["status"], shown["balance_due"], shown["outstanding"]) == (
        "paid",
        "0.00",
        [],
    )


def test_another_clients_deal_is_a_404(customer, other_customer):
    order = order_make(customer, (vehicle_make(), 1))

    response = client_for(other_customer).get(f"/api/v1/orders/{order.pk}/deal")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "arrival",
    [["pending", "completed"], ["completed", "pending"]],
    ids=["in-order", "completion-first"],
)
def test_two_reports_of_one_instant_keep_the_one_further_along_whichever_comes_first(
    customer, arrival
):
    """A payment created and captured in one request reports both at the same instant: the
    capture is kept, in either order of arrival (the demo's payments are made so)."""
    order = order_make(customer, (vehicle_make(price="1000000.00"), 1))
    payment, at = uuid.uuid4(), timezone.now()
    for status in arrival:
        services.order_link_note(
            order_id=order.pk,
            kind="payment",
            reference_id=payment,
            status=status,
            amount=Decimal("400000.00"),
            currency="RUB",
            reported_at=at,
            event=f"payment.{status}",
        )

    shown = deal(customer, order)

    money = shown["payments"]
    assert [(p["status"], p["amount"]) for p in money["items"]] == [("completed", "400000.00")]
    assert (money["captured"], money["pending"]) == ("400000.00", "0.00")
    # An older report changes nothing either.
    services.order_link_note(
        order_id=order.pk,
        kind="payment",
        reference_id=payment,
        status="refunded",
        amount=Decimal("400000.00"),
        currency="RUB",
        reported_at=at - timedelta(seconds=1),
        event="payment.refunded",
    )
    assert deal(customer, order)["payments"]["captured"] == "400000.00"


def test_what_is_still_due_reads_in_the_readers_language_with_its_money_written_out(customer):
    order = order_make(customer, (vehicle_make(price="2590000.00"), 1))
    loan = uuid.uuid4()
    note(order, "loan_application", "sent_to_lender", "2090000.00", loan)

    with translation.override("ru"):
        russian = [s.message for s in deal_of_buyer(user=customer, order_id=order.pk).outstanding]
    with translation.override("en"):
        english = [s.message for s in deal_of_buyer(user=customer, order_id=order.pk).outstanding]

    assert russian == [
        "К оплате 500\xa0000,00\xa0₽.",
        "Кредитор перечислит 2\xa0090\xa0000,00\xa0₽.",
    ]
    assert english == ["500,000.00\xa0RUB to pay.", "The lender is to pay 2,090,000.00\xa0RUB."]
