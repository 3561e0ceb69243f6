"""Every published event to Kafka, for partners (docs/events.md, "Kafka"): one topic per
aggregate, EVENTS_KAFKA_TOPIC_PREFIX and the event type's first part (`autosalon.order`),
keyed by the aggregate id so that one aggregate's events stay in order on one partition. The
value is the envelope as JSON, the same bytes as RabbitMQ's message; the headers carry
`event_type`, `event_id` and `schema_version`.

The outbox is the only source, as for RabbitMQ (common/events/amqp.py). The relay produces
the rows Kafka has not confirmed yet, oldest first, with an idempotent producer
(`enable.idempotence`, `acks=all`): librdkafka retries without duplicating and keeps each
partition in order. A row is marked `kafka_published_at` only once its delivery report says
the broker has it. A broker that cannot be reached, or that fails a message, leaves the rows
for the next relay: publication is delayed, nothing is lost, and what a partition gets
stays in order (a message that fails fails the ones queued behind it).

Any number of relays (and beat's) publish each row once: each claims one app's batch with
`SELECT ... FOR UPDATE SKIP LOCKED`, produces it, waits for the reports and marks it in that
one transaction (docs/operations.md, "Events: published by the relay"). The one duplicate
left: a relay that dies (or loses its database) after the reports and before its
transaction commits the mark; the rows are then free again and produced a second time.
Consumers drop repeats by `event_id`."""

import functools
import json
import logging
import uuid
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from common.db.databases import database_for_app
from common.events.contract import envelope, event_types, kafka_topic
from common.events.registry import outbox_apps, outbox_rows, published_as
from common.events.types import Event, event_from_outbox_row
from common.models import OutboxEventBase

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_SECONDS = 5
PUBLISH_TIMEOUT_SECONDS = 10


def topics() -> list[str]:
    """Every topic the published event types go to."""
    return sorted({kafka_topic(type) for _, type, _ in event_types()})


SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


def client_config() -> dict[str, Any]:
    """librdkafka's settings for this project's producer and admin client: the brokers, and
    how to reach them (docs/events.md, "Kafka: TLS and SASL"). Raises ImproperlyConfigured,
    naming the setting, when the protocol is unknown or SASL lacks its user or password: a
    process without them (the servers hold no password) cannot publish."""
    protocol = settings.EVENTS_KAFKA_SECURITY_PROTOCOL
    if protocol not in SECURITY_PROTOCOLS:
        raise ImproperlyConfigured(
            f"EVENTS_KAFKA_SECURITY_PROTOCOL is {protocol!r}; expected one of {SECURITY_PROTOCOLS}."
        )
    config = {
        "bootstrap.servers": settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS,
        "security.protocol": protocol,
        "socket.connection.setup.timeout.ms": CONNECT_TIMEOUT_SECONDS * 1000,
        "logger": logger,  # librdkafka's own log lines, through logging rather than stderr
    }
    if protocol.endswith("SSL"):
        # "probe": the system's authorities, wherever this OpenSSL build keeps them. The
        # broker's name is checked against its certificate (librdkafka's default, made plain).
        config["ssl.ca.location"] = settings.EVENTS_KAFKA_SSL_CA_LOCATION or "probe"
        config["ssl.endpoint.identification.algorithm"] = "https"
    if protocol.startswith("SASL"):
        if not (settings.EVENTS_KAFKA_SASL_USERNAME and settings.EVENTS_KAFKA_SASL_PASSWORD):
            raise ImproperlyConfigured(
                f"EVENTS_KAFKA_SECURITY_PROTOCOL is {protocol}: set EVENTS_KAFKA_SASL_USERNAME "
                "and EVENTS_KAFKA_SASL_PASSWORD (or EVENTS_KAFKA_SASL_PASSWORD_FILE)."
            )
        config["sasl.mechanism"] = settings.EVENTS_KAFKA_SASL_MECHANISM
        config["sasl.username"] = settings.EVENTS_KAFKA_SASL_USERNAME
        config["sasl.password"] = settings.EVENTS_KAFKA_SASL_PASSWORD
    return config


def topics_create() -> dict[str, bool]:
    """Create every topic that does not exist yet, with the partitions, replicas and
    retention in settings (EVENTS_KAFKA_TOPIC_*). Returns each topic and whether it was
    created now; a topic that exists already is left as it is. Raises KafkaException when
    the broker cannot be reached or refuses a topic."""
    retention_ms = settings.EVENTS_KAFKA_TOPIC_RETENTION_HOURS * 3600 * 1000
    requested = [
        NewTopic(
            name,
            num_partitions=settings.EVENTS_KAFKA_TOPIC_PARTITIONS,
            replication_factor=settings.EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR,
            config={"retention.ms": str(retention_ms)},
        )
        for name in topics()
    ]
    admin = AdminClient(client_config())
    futures = admin.create_topics(requested, request_timeout=PUBLISH_TIMEOUT_SECONDS)
    created = {}
    for name, future in futures.items():
        try:
            future.result(PUBLISH_TIMEOUT_SECONDS)
            created[name] = True
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
            created[name] = False
    return dict(sorted(created.items()))


def producer() -> Producer:
    return Producer(
        {
            **client_config(),
            "enable.idempotence": True,
            "acks": "all",
            # A message the broker has not confirmed by then fails; its row waits.
            "message.timeout.ms": PUBLISH_TIMEOUT_SECONDS * 1000,
            "linger.ms": 5,
        }
    )


def message(event: Event) -> dict[str, Any]:
    """produce()'s arguments for one event."""
    return {
        "topic": kafka_topic(event.type),
        "key": event.aggregate_id.encode(),
        "value": json.dumps(envelope(event), separators=(",", ":")).encode(),
        "headers": [
            ("event_type", event.type.encode()),
            ("event_id", event.id.encode()),
            ("schema_version", str(event.schema_version).encode()),
        ],
    }


def kafka_publish_pending(*, batch_size: int = 500) -> int:
    """Publish the outbox rows of every app that Kafka has not confirmed yet. Returns how
    many it confirmed now; 0 when publication is off or the broker is unreachable."""

    if not settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS:
        return 0
    kafka = None
    confirmed = 0
    for app_label in outbox_apps():
        using = database_for_app(app_label)
        with transaction.atomic(using=using):
            rows = _claim(app_label, batch_size)
            if not rows:
                continue
            if kafka is None:
                kafka = producer()
                try:  # an unreachable broker: nothing is queued, the next relay tries again
                    kafka.list_topics(timeout=CONNECT_TIMEOUT_SECONDS)
                except KafkaException as exc:
                    logger.warning("Kafka publication delayed: %s", exc)
                    return 0
            pks, errors = _produce(kafka, app_label, rows)
            if pks:
                outbox_rows(app_label).filter(pk__in=pks).update(kafka_published_at=timezone.now())
        confirmed += len(pks)
        if errors:
            logger.warning(
                "Kafka publication of %s events delayed: %s", len(errors), errors[0].str()
            )
            break  # the broker fails messages: the next relay tries again
    return confirmed


def _claim(app_label: str, batch_size: int) -> list[OutboxEventBase]:
    """One batch of the app's rows Kafka has not confirmed, oldest first, locked until the
    caller's transaction commits (`SELECT ... FOR UPDATE SKIP LOCKED`): another relay skips
    them meanwhile, and finds them marked afterwards."""
    return list(
        outbox_rows(app_label)
        .filter(kafka_published_at__isnull=True)
        .order_by("occurred_at")
        .select_for_update(skip_locked=True)[:batch_size]
    )


def _produce(
    kafka: Producer, app_label: str, rows: list[OutboxEventBase]
) -> tuple[list[uuid.UUID], list[KafkaError]]:
    """Produce the rows and wait for their delivery reports. Returns the primary keys the
    broker confirmed, and the errors of those it failed (or never confirmed in time)."""

    # A row is confirmed once each of its messages is: a renamed type's are two
    # (common.events.registry.published_as).
    unconfirmed: dict[uuid.UUID, int] = {}
    confirmed: list[uuid.UUID] = []
    errors: list[KafkaError] = []

    def delivered(pk: uuid.UUID, error: KafkaError | None, _message: Message) -> None:
        if error is not None:
            errors.append(error)
            return
        unconfirmed[pk] -= 1
        if not unconfirmed[pk]:
            confirmed.append(pk)

    for row in rows:
        events = published_as(event_from_outbox_row(row, app_label))
        unconfirmed[row.pk] = len(events)
        for event in events:
            kafka.produce(**message(event), on_delivery=functools.partial(delivered, row.pk))
        kafka.poll(0)  # serve the delivery reports as they come
    if kafka.flush(PUBLISH_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS):
        kafka.purge()  # still unconfirmed: reported as failed now, and left for the next relay
        kafka.flush(0)
    return confirmed, errors
