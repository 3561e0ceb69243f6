from decimal import Decimal

import pytest

from common.events import Event
from common.events.delivery import deliver
from conftest import payment_completed_event
from insurance import services
from insurance.models import InboxEvent, OutboxEvent, Policy, Quote
from insurance.services import quotes as quote_services
from insurance.tests.factories import outbox_payload, policy_make, quote_make, vehicle_order_make
from orders import services as orders_services

pytestmark = pytest.mark.django_db(databases="__all__")

CONSUMER = "insurance.cancel_quotes_of_cancelled_order"


def test_cancelling_an_order_cancels_its_quotes_and_policies_once(customer, run_on_commit):
    order = vehicle_order_make(customer)
    open_quote = quote_make(customer, order)
    unpaid = policy_make(customer, order, paid=False)
    paid = policy_make(customer, order)
    other_order_quote = quote_make(customer)

    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    open_quote.refresh_from_db()
    assert (open_quote.status, open_quote.cancelled_at is not None) == ("cancelled", True)
    assert Quote.objects.get(pk=paid.quote_id).status == "purchased"
    assert Policy.objects.get(pk=unpaid.pk).status == "lapsed"
    paid.refresh_from_db()
    # 64,000.00 × 364 / 365: the premium of every day but today.
    assert (paid.status, paid.refund_amount) == ("cancelled", Decimal("63824.66"))
    assert Quote.objects.get(pk=other_order_quote.pk).status == "quoted"
    payload = outbox_payload("insurance_quote.cancelled", open_quote)
    assert (payload["status"], payload["amount"]) == ("cancelled", "64000.00")
    assert outbox_payload("insurance_policy.cancelled", paid)["amount"] == "63824.66"

    # The broker delivers the same order.cancelled again: nothing changes.
    inbox = InboxEvent.objects.get(consumer=CONSUMER)
    again = Event(
        id=str(inbox.event_id), type="order.cancelled", aggregate_id=str(order.pk), payload={}
    )
    assert deliver(CONSUMER, again.as_dict()) is False
    assert InboxEvent.objects.filter(consumer=CONSUMER).count() == 1
    assert OutboxEvent.objects.filter(type="insurance_quote.cancelled").count() == 1
    assert OutboxEvent.objects.filter(type="insurance_policy.lapsed").count() == 1
    assert OutboxEvent.objects.filter(type="insurance_policy.cancelled").count() == 1


def test_a_cancelled_quote_cannot_be_bought(customer, customer_client, run_on_commit):
    order = vehicle_order_make(customer)
    quote = quote_make(customer, order)
    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    response = customer_client.post(f"/api/v1/insurance/quotes/{quote.pk}/purchase")

    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "quote_not_purchasable",
    )
    assert Policy.objects.count() == 0


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_quote_written_while_its_order_is_cancelled_is_cancelled(customer, monkeypatch):
    # Given an order cancelled after the quote was priced but before it committed, so that
    # `order.cancelled` is consumed while there is no quote to cancel yet...
    order = vehicle_order_make(customer)
    quote_price = services.quote_price

    def cancel_first(**inputs):
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
        return quote_price(**inputs)

    monkeypatch.setattr(quote_services, "quote_price", cancel_first)

    quote = quote_make(customer, order)

    # ...the quote still ends cancelled, once its own commit shows the cancellation.
    assert InboxEvent.objects.filter(consumer=CONSUMER).count() == 1
    assert Quote.objects.get(pk=quote.pk).status == "cancelled"
    assert OutboxEvent.objects.filter(type="insurance_quote.cancelled").count() == 1


PREMIUM_CONSUMER = "insurance.note_premium_paid"


def payment_report(policy, *, kind="policy", paid="64000.00", version=1) -> dict:
    """payment.completed as payments publishes it for a payment of `policy`'s premium (or,
    with another `kind`, of something else)."""
    return payment_completed_event(payable_kind=kind, payable=policy, paid=paid, version=version)


def test_a_completed_payment_of_the_premium_activates_the_policy_once(customer):
    policy = policy_make(customer, paid=False)
    report = payment_report(policy)

    assert deliver(PREMIUM_CONSUMER, report) is True
    assert deliver(PREMIUM_CONSUMER, report) is False

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid, policy.paid_version) == (
        "active",
        Decimal("64000.00"),
        1,
    )
    assert OutboxEvent.objects.filter(type="insurance_policy.activated").count() == 1


def test_a_payment_of_another_kind_of_payable_is_not_a_premium(customer):
    policy = policy_make(customer, paid=False)

    deliver(PREMIUM_CONSUMER, payment_report(policy, kind="order"))

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid, policy.paid_version) == (
        "pending_payment",
        Decimal("0.00"),
        0,
    )
    assert not OutboxEvent.objects.filter(type="insurance_policy.activated").exists()
