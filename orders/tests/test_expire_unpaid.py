from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog import selectors as catalog_selectors
from orders import services
from orders.models import Order, OrderStatusHistory, OutboxEvent
from orders.tasks import orders_unpaid_expire_task
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def placed_hours_ago(order, hours: int):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    return order


def stock(product) -> int:
    return catalog_selectors.product_stock(product_id=product.pk)


def test_an_old_unpaid_order_is_cancelled_by_the_system_and_its_stock_comes_back(
    customer, run_on_commit
):
    car = product_make(stock=3)
    order = placed_hours_ago(order_make(customer, (car, 2)), 49)
    out = StringIO()

    with run_on_commit():
        call_command("orders_expire_unpaid", "--older-than-hours", "48", stdout=out)

    assert "Cancelled 1 unpaid orders." in out.getvalue()
    order.refresh_from_db()
    assert order.status == "cancelled"
    history = OrderStatusHistory.objects.filter(order=order).last()
    assert (history.to_status, history.changed_by_id, history.changed_by_role) == (
        "cancelled",
        None,
        "system",
    )
    assert history.reason == "Not paid within 48 hours"
    assert OutboxEvent.objects.filter(type="order.cancelled", aggregate_id=str(order.pk)).exists()
    assert stock(car) == 3


def test_recent_unpaid_and_old_paid_orders_are_left_alone(customer, run_on_commit):
    car = product_make(stock=5)
    recent = placed_hours_ago(order_make(customer, (car, 1)), 47)
    paid = order_make(customer, (car, 2))
    services.order_status_set(order_id=paid.pk, status="paid", reason="Paid in full")
    placed_hours_ago(paid, 100)
    out = StringIO()

    with run_on_commit():
        call_command("orders_expire_unpaid", "--older-than-hours", "48", stdout=out)

    assert "Cancelled 0 unpaid orders." in out.getvalue()
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {recent.pk: "pending", paid.pk: "paid"}
    assert stock(car) == 2


def test_the_periodic_task_uses_the_configured_age(customer, settings, run_on_commit):
    settings.ORDERS_UNPAID_EXPIRE_HOURS = 2
    car = product_make(stock=2)
    old = placed_hours_ago(order_make(customer, (car, 1)), 3)
    fresh = placed_hours_ago(order_make(customer, (car, 1)), 1)

    with run_on_commit():
        cancelled = orders_unpaid_expire_task()

    assert settings.CELERY_BEAT_SCHEDULE["orders-unpaid-expire"]["task"] == (
        orders_unpaid_expire_task.name
    )
    assert cancelled == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "cancelled", fresh.pk: "pending"}
    assert OrderStatusHistory.objects.get(order=old, to_status="cancelled").reason == (
        "Not paid within 2 hours"
    )
    assert stock(car) == 1
