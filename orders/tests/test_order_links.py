"""Payments (and later loans and policies) noted on the order through events, never read from
the other database."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.events import Event
from common.events.delivery import deliver
from orders.models import Order, OrderLink
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


# What each kind of report carries besides the fields every one has, and its version.
REPORTED = {
    "payment": ({"payable_kind": "order", "refunded_amount": "0.00"}, 2),
    "insurance_policy.purchased": ({"premium": "400.00", "premium_paid": "0.00"}, 2),
}


def reported_event(order, type: str, status: str, *, payment_id=None, occurred_at=None) -> Event:
    """An event another domain reports about `order` (a payment's, by default)."""
    payment_id = str(payment_id or uuid.uuid4())
    extra, version = REPORTED.get(type, REPORTED.get(type.split(".")[0], ({}, 1)))
    if "payable_kind" in extra:
        extra = {**extra, "payable_id": str(order.pk)}
    return Event(
        type=type,
        aggregate_id=payment_id,
        payload={
            "id": payment_id,
            "order_id": str(order.pk),
            "customer_id": str(order.customer_id),
            "amount": "400.00",
            "currency": "RUB",
            "status": status,
            **extra,
        },
        occurred_at=(occurred_at or timezone.now()).isoformat(),
        schema_version=version,
    )


def test_a_payment_event_is_noted_on_the_order_with_a_new_sequence(customer, customer_client):
    order = order_make(customer, (product_make(price="1000.00"), 1))

    assert deliver(
        "orders.note_payment_created", reported_event(order, "payment.created", "pending").as_dict()
    )

    link = OrderLink.objects.get(order=order)
    assert (link.kind, link.status, link.amount) == ("payment", "pending", Decimal("400.00"))
    assert Order.objects.get(pk=order.pk).sequence == order.sequence + 1
    body = customer_client.get(f"/api/v1/orders/{order.pk}/").json()
    assert body["links"] == [
        {
            "kind": "payment",
            "reference_id": str(link.reference_id),
            "status": "pending",
            "amount": "400.00",
            "refunded_amount": "0.00",
            "currency": "RUB",
            "reported_at": timezone.localtime(link.reported_at).isoformat(),
        }
    ]


def test_a_late_older_report_does_not_overwrite_a_newer_one(customer):
    order = order_make(customer, (product_make(), 1))
    payment_id = uuid.uuid4()
    now = timezone.now()
    completed = reported_event(
        order, "payment.completed", "completed", payment_id=payment_id, occurred_at=now
    )
    created = reported_event(
        order,
        "payment.created",
        "pending",
        payment_id=payment_id,
        occurred_at=now - timedelta(seconds=1),
    )

    deliver("orders.note_payment_completed", completed.as_dict())
    sequence = Order.objects.get(pk=order.pk).sequence
    deliver("orders.note_payment_created", created.as_dict())

    assert list(OrderLink.objects.values_list("status", flat=True)) == ["completed"]
    assert Order.objects.get(pk=order.pk).sequence == sequence


def test_a_redelivered_payment_event_changes_nothing(customer):
    order = order_make(customer, (product_make(), 1))
    event = reported_event(order, "payment.failed", "failed").as_dict()

    assert deliver("orders.note_payment_failed", event) is True
    sequence = Order.objects.get(pk=order.pk).sequence
    assert deliver("orders.note_payment_failed", event) is False

    assert OrderLink.objects.count() == 1
    assert Order.objects.get(pk=order.pk).sequence == sequence


def test_a_report_about_a_missing_order_is_dropped(customer):
    order = order_make(customer, (product_make(), 1))
    event = reported_event(order, "payment.created", "pending")
    event.payload["order_id"] = str(uuid.uuid4())

    deliver("orders.note_payment_created", event.as_dict())

    assert OrderLink.objects.count() == 0


# The consumers keep the names they had before their types were renamed (docs/events.md,
# "Names"): their inbox rows and dead letters carry them.
@pytest.mark.parametrize(
    ("event_type", "consumer_name", "kind"),
    [
        ("loan_application.approved", "orders.note_financing_approved", "loan_application"),
        ("insurance_quote.created", "orders.note_insurance_quoted", "insurance_quote"),
        (
            "insurance_policy.claim.decided",
            "orders.note_insurance_claim_decided",
            "insurance_claim",
        ),
    ],
)
def test_loans_and_insurance_are_noted_by_what_they_are(customer, event_type, consumer_name, kind):
    order = order_make(customer, (product_make(), 1))
    event = reported_event(order, event_type, "approved")

    assert deliver(consumer_name, event.as_dict()) is True

    link = OrderLink.objects.get(order=order)
    assert (link.kind, link.status, str(link.reference_id)) == (
        kind,
        "approved",
        event.payload["id"],
    )


def test_a_purchased_policy_also_ends_its_quote(customer):
    order = order_make(customer, (product_make(), 1))
    quote_id = str(uuid.uuid4())
    deliver(
        "orders.note_insurance_quoted",
        reported_event(order, "insurance_quote.created", "quoted", payment_id=quote_id).as_dict(),
    )
    purchased = reported_event(order, "insurance_policy.purchased", "active")
    purchased.payload["quote_id"] = quote_id

    deliver("orders.note_insurance_purchased", purchased.as_dict())

    links = {(link.kind, str(link.reference_id)): link.status for link in OrderLink.objects.all()}
    assert links == {
        ("insurance_quote", quote_id): "purchased",
        ("insurance_policy", purchased.payload["id"]): "active",
    }
