"""Every event published to RabbitMQ from the outbox (common/events/amqp.py), on the real
broker at 127.0.0.1:5672: an exchange and a queue of this test's own, removed afterwards."""

import json

import pytest
from kombu import Connection, Queue

from common.events import publishing
from common.events.amqp import amqp_publish_pending
from orders import services as order_services
from orders.models import OutboxEvent
from orders.tests.factories import order_make, product_make
from tests.conftest import RABBITMQ_URL
from tests.rabbitmq import drain, queue_of_its_own

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def exchange(settings):
    """Publication on, to an exchange of this test's own, with a queue bound to `order.#`."""
    with queue_of_its_own("order.#") as queue:
        settings.EVENTS_AMQP_URL = RABBITMQ_URL
        settings.EVENTS_AMQP_EXCHANGE = queue.exchange.name
        yield queue


def an_order_flow(customer, manager):
    order = order_make(customer, (product_make(), 1))
    order_services.order_status_set(order_id=order.pk, status="cancelled", user=manager)
    return order


def test_a_queue_bound_to_order_hash_gets_every_order_event_with_its_type_as_key(
    exchange, customer, manager
):
    order = an_order_flow(customer, manager)
    expected = list(OutboxEvent.objects.order_by("occurred_at").values_list("id", "type"))
    assert [t for _, t in expected] == ["order.created", "order.status_changed", "order.cancelled"]

    published = amqp_publish_pending()

    messages = drain(exchange)
    assert published >= len(expected)  # the stock and catalog events went out as well
    assert [(m.delivery_info["routing_key"], m.properties["message_id"]) for m in messages] == [
        (type, str(id)) for id, type in expected
    ]
    bodies = [json.loads(m.body) for m in messages]
    assert {b["aggregate_id"] for b in bodies} == {str(order.pk)}
    assert all(b["schema_version"] == 1 for b in bodies)
    assert all(m.properties["delivery_mode"] == 2 for m in messages)  # persistent
    assert not OutboxEvent.objects.filter(amqp_published_at__isnull=True).exists()
    assert amqp_publish_pending() == 0  # nothing twice
    assert drain(exchange) == []


def test_events_wait_in_the_outbox_while_rabbitmq_is_unreachable(
    exchange, settings, customer, manager
):
    an_order_flow(customer, manager)
    settings.EVENTS_AMQP_URL = "amqp://guest:guest@127.0.0.1:1//"  # nothing listens there

    assert amqp_publish_pending() == 0
    assert OutboxEvent.objects.filter(amqp_published_at__isnull=True).count() == 3
    assert drain(exchange) == []

    settings.EVENTS_AMQP_URL = RABBITMQ_URL
    publishing.relay()  # what beat runs

    assert [m.delivery_info["routing_key"] for m in drain(exchange)] == [
        "order.created",
        "order.status_changed",
        "order.cancelled",
    ]
    assert not OutboxEvent.objects.filter(amqp_published_at__isnull=True).exists()


def test_with_publication_off_events_are_never_published_later(settings, customer, manager):
    settings.EVENTS_AMQP_URL = ""

    an_order_flow(customer, manager)

    assert not OutboxEvent.objects.filter(amqp_published_at__isnull=True).exists()


def test_internal_events_never_reach_rabbitmq(exchange, settings, customer):
    from accounts import services as account_services

    everything = Queue(f"{settings.EVENTS_AMQP_EXCHANGE}.all", exchange.exchange, routing_key="#")
    with Connection(RABBITMQ_URL) as connection:
        everything(connection.default_channel).declare()
    try:
        account_services.password_reset_request(email=customer.email)
        account_services.user_profile_update(user=customer, full_name="Anna Petrova")
        amqp_publish_pending()
        keys = [m.delivery_info["routing_key"] for m in drain(everything)]
    finally:
        with Connection(RABBITMQ_URL) as connection:
            connection.default_channel.queue_delete(everything.name)

    assert keys == ["user.updated"]  # the published one went, beside the internal one
