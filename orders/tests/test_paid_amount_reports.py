"""Orders learns what an order has captured from payments' events alone, and a report older
than one it has applied changes nothing, whatever order the events arrive in."""

from decimal import Decimal

import pytest

from common.events.delivery import deliver
from conftest import payment_completed_event
from orders.models import Order, OrderStatusHistory
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")
CONSUMER = "orders.paid_amount_on_payment_completed"


def report(order, paid: str, version: int) -> dict:
    """A `payment.completed` of the current schema (v2) reporting what the order received."""
    return payment_completed_event(payable_kind="order", payable=order, paid=paid, version=version)


def test_a_late_report_of_an_older_version_changes_nothing(customer):
    order = order_make(customer, (product_make(price="1000.00"), 1))

    assert deliver(CONSUMER, report(order, "600.00", version=2))
    assert deliver(CONSUMER, report(order, "250.00", version=1))  # applied, but stale

    order = Order.objects.get(pk=order.pk)
    assert (order.paid_amount, order.paid_version, order.status) == (
        Decimal("600.00"),
        2,
        "pending",
    )


def test_the_report_that_covers_the_total_makes_the_order_paid_once(customer):
    order = order_make(customer, (product_make(price="1000.00"), 1))

    deliver(CONSUMER, report(order, "400.00", version=1))
    deliver(CONSUMER, report(order, "1000.00", version=2))
    deliver(CONSUMER, report(order, "1000.00", version=2))  # another event, same version

    order = Order.objects.get(pk=order.pk)
    assert (order.paid_amount, order.status) == (Decimal("1000.00"), "paid")
    assert OrderStatusHistory.objects.filter(order=order, to_status="paid").count() == 1
