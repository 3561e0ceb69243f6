"""RabbitMQ for the tests of what the relay publishes (common/events/amqp.py): an exchange
and a queue of the test's own on the machine's broker, removed afterwards, and what reached
the queue."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import amqp
from kombu import Connection, Exchange, Queue

from tests.conftest import RABBITMQ_URL, services_required_rabbitmq


@contextmanager
def queue_of_its_own(routing_key: str = "#") -> Iterator[Queue]:
    """A durable topic exchange named for this test alone, and a queue bound to it by
    `routing_key`; `queue.exchange.name` is what EVENTS_AMQP_EXCHANGE should be."""
    services_required_rabbitmq()
    name = f"autosalon-test-{uuid.uuid4().hex[:12]}"
    topic = Exchange(name, type="topic", durable=True)
    queue = Queue(f"{name}.{routing_key.rstrip('.#') or 'all'}", topic, routing_key=routing_key)
    with Connection(RABBITMQ_URL) as connection:
        queue(connection.default_channel).declare()  # declares the exchange too
        try:
            yield queue
        finally:
            channel = connection.default_channel
            assert isinstance(channel, amqp.Channel)  # kombu's pyamqp channel
            channel.queue_delete(queue.name)
            channel.exchange_delete(topic.name)


def drain(queue: Queue) -> list:
    """Every message waiting in `queue`, taken off it."""
    with Connection(RABBITMQ_URL) as connection:
        bound = queue(connection.default_channel)
        messages = []
        while (message := bound.get(no_ack=True)) is not None:
            messages.append(message)
        return messages
