"""Test data for insurance, made through the services."""

from decimal import Decimal

from django.utils import timezone

from insurance import services
from orders.tests.factories import order_make, product_make

VIN = "XTA210990Y2766389"  # no check digit outside North America
# A KASKO quote of a new car of the standard make group, anyone driving:
# 1,000,000.00 × 0.040 × 1.00 × 1 × 1.60 = 64,000.00.
KASKO = {
    "insurance_type": "kasko",
    "coverage_amount": Decimal("1000000.00"),
    "vehicle_make": "Skoda",
    "vehicle_model": "Octavia",
    "vehicle_vin": VIN,
}


def quote_make(customer, order=None, **fields):
    order = order or order_make(customer, (product_make(price="1500000.00"), 1))
    fields = {**KASKO, "vehicle_year": timezone.localdate().year, **fields}
    return services.quote_create(user=customer, order_id=order.pk, **fields)


def policy_make(customer, order=None, **fields):
    return services.quote_purchase(quote_id=quote_make(customer, order, **fields).pk)


def claim_make(customer, policy=None, amount: str = "50000.00"):
    return services.claim_file(
        policy_id=(policy or policy_make(customer)).pk,
        user=customer,
        incident_date=timezone.localdate(),
        description="A dent in the door",
        amount_claimed=Decimal(amount),
    )


REQUIRED_PAYLOAD_KEYS = {"id", "order_id", "customer_id", "status", "amount", "currency"}


def outbox_payload(type: str, aggregate) -> dict:
    """The one payload of event `type` about `aggregate` in insurance's outbox, with the keys
    every insurance event must carry."""
    from insurance.models import OutboxEvent

    (row,) = OutboxEvent.objects.filter(type=type, aggregate_id=str(aggregate.pk))
    assert set(row.payload) >= REQUIRED_PAYLOAD_KEYS, row.payload
    assert row.payload["id"] == str(aggregate.pk)
    assert row.payload["order_id"] == str(aggregate.order_id)
    assert row.payload["customer_id"] == str(aggregate.customer_id)
    return row.payload
