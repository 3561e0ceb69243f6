"""Payment events are at schema version 2 (`payable_kind`, `payable_id`); a version-1 event
stored before it shipped reaches consumers upcast to version 2 (docs/events.md)."""

import uuid
from decimal import Decimal

import pytest

from common.events import contract
from common.events.delivery import deliver
from common.events.registry import upcasted
from common.events.types import Event
from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def completed_v1(*, customer_id, paid: str, version: int, order_id=None, registration_id=None):
    """A `payment.completed` as version 1 wrote it: `kind`, `order_id` or `registration_id`,
    and `order_paid_*`."""
    payment_id = str(uuid.uuid4())
    return Event(
        type="payment.completed",
        aggregate_id=payment_id,
        schema_version=1,
        payload={
            "id": payment_id,
            "kind": "order" if order_id else "registration",
            "order_id": order_id and str(order_id),
            "registration_id": registration_id and str(registration_id),
            "customer_id": str(customer_id),
            "amount": paid,
            "refunded_amount": "0.00",
            "currency": "RUB",
            "status": "completed",
            "order_paid_amount": paid,
            "order_paid_version": version,
        },
    )


def test_a_version_1_payment_of_an_order_is_upcast_and_updates_the_orders_paid_amount(customer):
    order = order_make(customer, (product_make(price="1000.00"), 1))
    old = completed_v1(customer_id=customer.pk, order_id=order.pk, paid="400.00", version=3)
    contract.payload_check("payments", "payment.completed", 1, old.payload)  # as it was stored

    applied = deliver("orders.paid_amount_on_payment_completed", old.as_dict())

    assert applied is True
    order = orders_selectors.order_get(user=customer, order_id=order.pk)
    assert (order.paid_amount, order.paid_version, order.status) == (
        Decimal("400.00"),
        3,
        "pending",
    )


@pytest.mark.parametrize("kind", ["order", "registration"])
def test_a_version_1_payment_reads_as_a_valid_version_2_payable(customer, kind):
    payable_id = uuid.uuid4()
    old = completed_v1(
        customer_id=customer.pk, paid="10.00", version=1, **{f"{kind}_id": payable_id}
    )

    new = upcasted(old)

    assert new.schema_version == 2
    contract.payload_check("payments", "payment.completed", 2, new.payload)
    assert {
        name: new.payload[name]
        for name in ("payable_kind", "payable_id", "order_id", "payable_paid_amount")
    } == {
        "payable_kind": kind,
        "payable_id": str(payable_id),
        "order_id": str(payable_id) if kind == "order" else None,
        "payable_paid_amount": "10.00",
    }
    assert new.payload["payable_paid_version"] == 1
    assert not {"kind", "registration_id", "order_paid_amount"} & set(new.payload)
