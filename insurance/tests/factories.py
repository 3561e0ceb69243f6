"""Test data for insurance, made through the services."""

from decimal import Decimal

from django.utils import timezone

from insurance import services
from orders.tests.factories import order_make, vehicle_make

# A KASKO quote of a new car of the standard make group, anyone driving:
# 1,000,000.00 × 0.040 × 1.00 × 1 × 1.60 = 64,000.00.
KASKO = {"insurance_type": "kasko", "coverage_amount": Decimal("1000000.00")}


def insured_vehicle_make(price: str = "1500000.00"):
    """A new Skoda Octavia in the catalog: the vehicle an insured order holds."""
    return vehicle_make(price=price, make="Skoda", model="Octavia", year=timezone.localdate().year)


def vehicle_order_make(customer, price: str = "1500000.00"):
    return order_make(customer, (insured_vehicle_make(price), 1))


def quote_make(customer, order=None, **fields):
    order = order or vehicle_order_make(customer)
    return services.quote_create(user=customer, order_id=order.pk, **{**KASKO, **fields})


def premium_pay(policy, amount=None):
    """The policy's premium received, as payments reports it (insurance.handlers)."""
    paid = services.policy_premium_paid(
        policy_id=policy.pk, paid_amount=amount or policy.premium, version=policy.paid_version + 1
    )
    return paid


def policy_make(customer, order=None, *, paid: bool = True, car_paid: bool = True, **fields):
    """A bought policy: active, its premium paid, unless `paid` is False; covering from
    today, its car paid for as orders reports it, unless `car_paid` is False."""
    policy = services.quote_purchase(quote_id=quote_make(customer, order, **fields).pk)
    if car_paid:
        services.order_policies_car_paid(order_id=policy.order_id)
    return premium_pay(policy) if paid else policy


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
