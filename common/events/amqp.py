"""Every published event to RabbitMQ, for partners (docs/events.md, "RabbitMQ"): the
durable topic exchange EVENTS_AMQP_EXCHANGE (`autosalon.events`), the event type as routing
key, persistent JSON messages whose `message_id` is the event id.

The outbox is the only source. The relay publishes the rows not yet confirmed, oldest first,
with publisher confirms on: `basic.publish` returns once the broker has the message, and only
then is the row marked `amqp_published_at`. A broker that cannot be reached, or refuses a
message, leaves the rows for the next relay: publication is delayed, nothing is lost.

Any number of relays (and beat's) publish each row once: each claims its batch with
`SELECT ... FOR UPDATE SKIP LOCKED`, publishes it and marks it in that one transaction
(docs/operations.md, "Events: published by the relay"). The one duplicate left: a relay that dies (or loses its
database) after the broker confirmed a message and before its transaction commits the mark;
the rows are then free again and published a second time. Subscribers drop repeats by
`message_id` (at least once, as inside)."""

import json
import logging

from amqp.exceptions import AMQPError, MessageNacked
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu import Connection, Exchange, Producer
from kombu.exceptions import KombuError

from common.db.databases import database_for_app
from common.events.contract import envelope
from common.events.registry import outbox_apps, outbox_model, published_as
from common.events.types import Event, event_from_outbox_row

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_SECONDS = 5
PUBLISH_TIMEOUT_SECONDS = 10
BROKER_ERRORS = (OSError, TimeoutError, AMQPError, KombuError, MessageNacked)


def exchange() -> Exchange:
    return Exchange(settings.EVENTS_AMQP_EXCHANGE, type="topic", durable=True)


def connection() -> Connection:
    return Connection(
        settings.EVENTS_AMQP_URL,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        transport_options={"confirm_publish": True},
    )


def _publish(producer: Producer, event: Event) -> None:
    producer.publish(
        json.dumps(envelope(event), separators=(",", ":")),
        routing_key=event.type,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,  # persistent
        message_id=event.id,
        type=event.type,
        headers={"schema_version": event.schema_version},
        retry=False,
        # A broker that blocks publishers (a memory or disk alarm) delays the relay, never
        # hangs it.
        timeout=PUBLISH_TIMEOUT_SECONDS,
        confirm_timeout=PUBLISH_TIMEOUT_SECONDS,
    )


def amqp_publish_pending(*, batch_size: int = 500) -> int:
    """Publish the outbox rows of every app that RabbitMQ has not confirmed yet. Returns how
    many it confirmed now; 0 when publication is off or the broker is unreachable."""

    if not settings.EVENTS_AMQP_URL:
        return 0
    confirmed = 0
    try:
        with connection() as conn:
            producer = Producer(conn.channel(), exchange=exchange(), auto_declare=True)
            for app_label in outbox_apps():
                published, failure = _publish_app(producer, app_label, batch_size)
                confirmed += published
                if failure is not None:
                    raise failure
    except BROKER_ERRORS as exc:  # an unreachable broker, a refused message: the next relay
        logger.warning("RabbitMQ publication delayed: %s: %s", type(exc).__name__, exc)
    return confirmed


def _publish_app(
    producer: Producer, app_label: str, batch_size: int
) -> tuple[int, Exception | None]:
    """Claim one batch of the app's rows RabbitMQ has not confirmed (`SELECT ... FOR UPDATE
    SKIP LOCKED`), publish them and mark the confirmed ones, in one transaction: another
    relay skips them meanwhile. Returns how many were confirmed, and the broker's error that
    stopped the batch, if one did (what it confirmed before stays marked)."""

    Outbox = outbox_model(app_label)
    using = database_for_app(app_label)
    failure = None
    with transaction.atomic(using=using):
        rows = (
            Outbox._default_manager.using(using)
            .filter(amqp_published_at__isnull=True)
            .order_by("occurred_at")
            .select_for_update(skip_locked=True)[:batch_size]
        )
        done = []
        try:
            for row in rows:
                for event in published_as(event_from_outbox_row(row, app_label)):
                    _publish(producer, event)
                done.append(row.pk)  # confirmed: publish returned
        except BROKER_ERRORS as exc:  # what the broker confirmed stays confirmed
            failure = exc
        if done:
            Outbox._default_manager.using(using).filter(pk__in=done).update(
                amqp_published_at=timezone.now()
            )
    return len(done), failure
