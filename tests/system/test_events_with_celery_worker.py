"""The event backbone end to end: a real worker process on Redis and on RabbitMQ, committed
transactions."""

import pytest
from django.core.management import call_command

from accounts.choices import ActivityType
from accounts.models import ActivityLog
from catalog.tests.factories import stock_of
from common.events import types
from common.events.publishing import DISPATCH_TASK
from common.events.signing import sign
from common.tasks import event_deliver_task, event_dispatch_task
from financing.tests.factories import application_make
from orders import services
from orders.models import Order, OutboxEvent
from orders.tests.factories import order_make, product_make
from payments.models import InboxEvent as PaymentsInbox
from payments.models import LedgerTransaction
from tests.conftest import BROKERS
from tests.forgeries import forged_disbursement
from tests.processes import wait_for

# Its tests share the module's Celery workers: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = [
    pytest.mark.xdist_group("events_with_celery_worker"),
    pytest.mark.process,
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


def test_a_real_worker_acts_on_no_forged_event_and_logs_each(worker, customer):
    """Issue #45's forged `loan_application.disbursed`, written to the broker as an attacker
    would: unsigned, wrongly signed, and a real signature replayed with another payload."""
    application = application_make(customer)
    event, names = forged_disbursement(application)
    signed_event, _ = forged_disbursement(application_make(customer))
    replayed = {**signed_event, "payload": event["payload"]}
    refused = "Refused an event whose signature does not hold"
    worker.wait_idle()  # the loans' own events, signed by the relay, delivered first
    # The module's worker has run the tests before this one: count from here.
    runs, refusals = worker.runs_finished(DISPATCH_TASK), worker.log_path.read_text().count(refused)

    event_dispatch_task.apply_async(args=[event, names])
    event_dispatch_task.apply_async(args=[event, names], kwargs={"signature": "0" * 64})
    event_dispatch_task.apply_async(
        args=[replayed, names], kwargs={"signature": sign(signed_event, names)}
    )

    wait_for(
        lambda: worker.runs_finished(DISPATCH_TASK) == runs + 3, message="the three messages run"
    )
    assert worker.log_path.read_text(errors="replace").count(refused) == refusals + 3
    assert LedgerTransaction.objects.count() == 0
    assert Order.objects.get(pk=application.order_id).status == "pending"
    forged = [event["id"], replayed["id"]]
    assert not PaymentsInbox.objects.filter(event_id__in=forged).exists()
