"""The event backbone end to end: a real worker process on Redis and on RabbitMQ, committed
transactions."""

import pytest
from django.core.management import call_command

from accounts.choices import ActivityType
from accounts.models import ActivityLog
from catalog.tests.factories import stock_of
from common.events import types
from common.events.signing import sign
from common.tasks import event_deliver_task
from orders import services
from orders.models import Order, OutboxEvent
from orders.tests.factories import order_make, product_make
from tests.conftest import BROKERS
from tests.processes import wait_for

# Its tests share the module's Celery workers: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = [
    pytest.mark.xdist_group("events_with_celery_worker"),
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.parametrize("broker", BROKERS, indirect=True),
]


def test_cancelling_releases_stock_through_the_worker_once_even_if_delivered_twice(
    worker, customer
):
    car = product_make(stock=3)
    order = order_make(customer, (car, 2))
    assert stock_of(car) == 1

    services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    wait_for(lambda: stock_of(car) == 3, message="stock released by the worker")
    row = OutboxEvent.objects.get(type="order.cancelled")
    assert row.published_at is not None
    # The broker redelivers the same event: nothing changes.
    event = types.event_from_outbox_row(row, "orders").as_dict()
    name = "catalog.release_stock_of_cancelled_order"
    event_deliver_task.delay(name, event, signature=sign(event, [name]))
    worker.wait_idle()
    assert stock_of(car) == 3


def test_with_the_broker_down_the_order_commits_and_the_relay_delivers_later(
    worker, broker, customer, customer_client
):
    car = product_make(stock=2)
    broker.down()

    response = customer_client.post(
        "/api/v1/orders/",
        {"items": [{"product_id": str(car.pk), "quantity": 1}]},
        format="json",
    )
    order = Order.objects.get()
    services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    assert response.status_code == 201
    assert order.status == "pending"
    # Events with consumers wait in the outbox; those nobody consumes are simply marked sent.
    unpublished = OutboxEvent.objects.filter(published_at__isnull=True)
    assert set(unpublished.values_list("type", flat=True)) == {
        "order.created",
        "order.status_changed",  # the CRM's timeline consumes it
        "order.cancelled",
    }
    assert stock_of(car) == 1  # nobody heard of the cancellation yet

    broker.up()
    call_command("events_relay")

    wait_for(lambda: stock_of(car) == 2, message="stock released after the relay")
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    wait_for(
        lambda: ActivityLog.objects.filter(user=customer, type=ActivityType.ORDER_PLACED).exists(),
        message="order.created delivered to accounts",
    )
