"""Publishing and redelivery: the relay's and the commit's hand-over of outbox rows to the
workers, one message per event naming its consumers, with claims that let any number of relays
run; and the relay's pass over every outlet (docs/events.md, "Delivery"; docs/operations.md,
"Events: published by the relay").

The message goes to the dispatch task by its name (`DISPATCH_TASK`, registered by
`common.tasks`, which imports this module): the backbone does not import its tasks."""

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import datetime, timedelta
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.db.databases import database_for_app
from common.events import amqp, kafka, signing
from common.events.registry import (
    Consumer,
    consumers_for,
    inbox_rows,
    outbox_apps,
    outbox_model,
    outbox_rows,
)
from common.events.types import Event, event_from_outbox_row
from common.models import OutboxEventBase

logger = logging.getLogger(__name__)

# What an emitting transaction NOTIFYs in its database, and the relay LISTENs to.
RELAY_CHANNEL = "autosalon_outbox"
# How many rows the relay takes at a time.
RELAY_BATCH_SIZE = 500
# The Celery task that delivers one event to the consumers it names (common.tasks).
DISPATCH_TASK = "common.tasks.event_dispatch_task"


def _argsrepr(event: Event) -> dict[str, Any]:
    """What monitoring shows of a hand-over's message, instead of Celery's repr of the whole
    payload (a third of a hand-over's cost): an option `apply_async` takes and passes on,
    which its type stubs do not list."""
    return {"argsrepr": f"{event.type} {event.id}"}


def _dispatch_task() -> "Task[Any, Any]":  # celery.Task is generic to type checkers only
    return current_app.tasks[DISPATCH_TASK]


# PUBLISHING AND REDELIVERY
# ------------------------------------------------------------------------------
# An outbox row is *published* once it has been handed to the broker, and *delivered* once
# every consumer has recorded it in its inbox (applied, or kept as a dead letter). Until
# then the relay hands it over again to the consumers that have not recorded it, with
# backoff: a broker that loses its data loses no event (docs/operations.md, "Faults").
#
# Claims: every path that takes rows to hand them over (the relay's publication and
# redelivery, publishing on commit, RabbitMQ, Kafka) locks its batch with `SELECT ... FOR
# UPDATE SKIP LOCKED` in one transaction on the app's database, hands it over, marks it and
# commits, so that any number of relays hand each event over once per outlet. A relay that
# dies holding a claim loses its connection and PostgreSQL frees the rows. The one duplicate
# left is a death after the broker took a batch and before the commit of its marks
# (docs/operations.md, "Events: published by the relay").
def redelivery_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th hand-over an unconsumed event is handed over again:
    doubling from EVENTS_REDELIVER_AFTER_SECONDS, capped at EVENTS_REDELIVER_MAX_SECONDS."""
    base = settings.EVENTS_REDELIVER_AFTER_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.EVENTS_REDELIVER_MAX_SECONDS)
    )


def _in_process() -> bool:
    """Whether tasks run in this process (eager, embedded mode): a hand-over then runs the
    consumers themselves."""
    return bool(current_app.conf.task_always_eager)


# The hand-overs of in-process (eager) tasks deferred until the claim that took their rows
# has committed (`_claim`), or None outside a claim.
_after_claim: ContextVar[list[Callable[[], object]] | None] = ContextVar(
    "events_after_claim", default=None
)


@contextmanager
def _claim_transaction(app_label: str) -> Iterator[None]:
    """A transaction of its own on the app's database, in which a claim holds its rows until
    the commit; in-process hand-overs wait for the commit (`_send_or_defer`)."""
    deferred: list[Callable[[], object]] = []
    token = _after_claim.set(deferred)
    try:
        with transaction.atomic(using=database_for_app(app_label)):
            yield
    finally:
        _after_claim.reset(token)
    for run in deferred:  # in-process tasks: the consumers run outside the claim
        run()


@contextmanager
def _claim(
    app_label: str, rows: QuerySet[OutboxEventBase], batch_size: int
) -> Iterator[list[OutboxEventBase]]:
    """Up to `batch_size` of `rows` (a queryset of the app's outbox, in the order to publish
    them), locked for this process until the block ends: `SELECT ... FOR UPDATE SKIP LOCKED`
    in a transaction of its own on the app's database. Another relay's claim skips them,
    and once the block has marked them and committed, its filter no longer matches them; a
    process that dies holding a claim loses its connection and PostgreSQL frees the rows
    (docs/operations.md, "Events: published by the relay"). Keep the block to one batch."""
    with _claim_transaction(app_label):
        yield list(rows.select_for_update(skip_locked=True)[:batch_size])


def _send(deliveries: list[tuple[Event, list[Consumer]]]) -> list[str]:
    """Send each event once, naming the consumers it is for, through one producer for the
    batch; the worker delivers it to each of them (`dispatch`). Returns the ids of the events
    the broker took."""
    event_dispatch_task = _dispatch_task()
    sent = []
    # In-process tasks take no producer; one held while their consumers emit and publish in
    # turn would drain the pool.
    in_process = _in_process()
    with nullcontext() if in_process else event_dispatch_task.app.producer_or_acquire() as producer:
        for event, targets in deliveries:
            names = [registered.name for registered in targets]
            data = event.as_dict()
            try:
                event_dispatch_task.apply_async(
                    args=(data, names),
                    kwargs={"signature": signing.sign(data, names)},
                    producer=producer,
                    **_argsrepr(event),
                )
            except Exception:
                logger.exception(
                    "Could not publish %s %s; the relay will retry", event.type, event.id
                )
                continue
            sent.append(event.id)
    return sent


def _send_or_defer(deliveries: list[tuple[Event, list[Consumer]]]) -> list[str]:
    """`_send` inside a claim, which holds the rows until its commit. In-process tasks would
    run every consumer inside the claim's transaction: those count as sent at once and run
    once the claim has committed (an event a consumer fails is redelivered, as any other)."""
    deferred = _after_claim.get()
    if deferred is not None and _in_process():
        deferred.append(lambda: _send(deliveries))
        return [event.id for event, _ in deliveries]
    return _send(deliveries)


def _hand_over(
    app_label: str, deliveries: list[tuple[Event, list[Consumer]]], attempts: int = 0
) -> int:
    """Send each event to the given consumers; record the hand-over of those the broker took.
    `attempts` is how often they had been handed over before. Returns how many went out.
    Inside a claim (`_claim`)."""
    sent = _send_or_defer(deliveries)
    if sent:
        now = timezone.now()
        outbox_rows(app_label).filter(pk__in=sent).update(
            published_at=Coalesce("published_at", Value(now)),
            attempts=F("attempts") + 1,  # counts every hand-over, even a duplicate one
            next_attempt_at=now + redelivery_delay(attempts + 1),
        )
    return len(sent)


def publish(app_label: str, events: list[Event]) -> int:
    """Hand committed events to Celery, one message per event, unless a relay has
    claimed or published them already (publishing on commit, EVENTS_PUBLISH_ON_COMMIT). A
    broker failure leaves them unpublished for the relay. Returns how many went out."""
    if not events:
        return 0
    rows = (
        outbox_rows(app_label)
        .filter(pk__in=[event.id for event in events], published_at__isnull=True)
        .order_by("occurred_at")
    )
    return _publish_claimed(app_label, rows, batch_size=len(events))


def _publish_claimed(app_label: str, rows: QuerySet[OutboxEventBase], *, batch_size: int) -> int:
    """Claim up to `batch_size` unpublished `rows`, hand them to every consumer of their
    type and mark them, in one transaction. Returns how many went out."""
    with _claim(app_label, rows, batch_size) as claimed:
        events = [event_from_outbox_row(row, app_label) for row in claimed]
        deliveries = [(event, consumers_for(event.type)) for event in events]
        return _hand_over(app_label, deliveries) if deliveries else 0


def unconsumed(rows: Iterable[OutboxEventBase]) -> dict[str, list[Consumer]]:
    """For outbox rows: the consumers that have not recorded each event in their inbox yet,
    by event id (an empty list once every consumer has)."""
    missing = {str(row.id): consumers_for(row.type) for row in rows}
    by_app = defaultdict(set)
    for targets in missing.values():
        for registered in targets:
            by_app[registered.app_label].add(registered.name)
    recorded: set[tuple[str, str]] = set()
    for app_label, names in by_app.items():
        recorded.update(
            (str(event_id), name)
            for event_id, name in inbox_rows(app_label)
            .filter(event_id__in=list(missing), consumer__in=names)
            .values_list("event_id", "consumer")
        )
    return {
        event_id: [c for c in targets if (event_id, c.name) not in recorded]
        for event_id, targets in missing.items()
    }


def _undelivered_rows(app_label: str, *, due_only: bool) -> QuerySet[OutboxEventBase]:
    rows = outbox_rows(app_label).filter(delivered_at__isnull=True)
    if due_only:
        rows = rows.filter(
            Q(next_attempt_at__lte=timezone.now()) | Q(next_attempt_at__isnull=True),
            published_at__isnull=False,
        )
    return rows.order_by("occurred_at")


def undelivered(
    app_label: str, *, due_only: bool, batch_size: int = RELAY_BATCH_SIZE
) -> list[OutboxEventBase]:
    """Outbox rows that not every consumer has recorded yet, oldest first; with `due_only`,
    the published ones whose redelivery time has come. Unclaimed: the relay claims them
    (`redeliver_due`)."""
    return list(_undelivered_rows(app_label, due_only=due_only)[:batch_size])


def redeliver(app_label: str, rows: Sequence[OutboxEventBase]) -> dict[str, int]:
    """Mark the rows every consumer has recorded as delivered; hand the others over again to
    the consumers that have not. Returns {"confirmed": n, "redelivered": m}."""
    missing = unconsumed(rows)
    done = [event_id for event_id, targets in missing.items() if not targets]
    if done:
        outbox_rows(app_label).filter(pk__in=done).update(delivered_at=timezone.now())
    redelivered = 0
    for row in rows:
        if targets := missing[str(row.id)]:
            logger.warning(
                "Redelivering %s %s to %s (hand-over %d)",
                row.type,
                row.id,
                ", ".join(c.name for c in targets),
                row.attempts + 1,
            )
            redelivered += _hand_over(
                app_label, [(event_from_outbox_row(row, app_label), targets)], row.attempts
            )
    return {"confirmed": len(done), "redelivered": redelivered}


def redeliver_due(app_label: str, *, batch_size: int = RELAY_BATCH_SIZE) -> dict[str, int]:
    """Claim the app's published rows whose redelivery is due, and confirm or redeliver them
    (`redeliver`) in the claim's transaction: N relays redeliver each once."""
    due = _undelivered_rows(app_label, due_only=True)
    with _claim(app_label, due, batch_size) as claimed:
        return redeliver(app_label, claimed) if claimed else {}


def publish_pending(
    app_label: str, *, older_than_seconds: float = 0, batch_size: int = RELAY_BATCH_SIZE
) -> int:
    """Claim the app's outbox rows still unpublished (at least `older_than_seconds` old),
    oldest first, one batch, and publish them. Returns how many went out.

    With no age asked, the claim takes every unpublished row its transaction sees committed,
    whatever its `occurred_at`: a cutoff read from the clock before the claim would split a
    transaction that commits in between, taking only its events that occurred before the
    cutoff (and would pass over the rows of an emitter whose clock runs ahead)."""
    cutoff = (
        timezone.now() - timedelta(seconds=older_than_seconds) if older_than_seconds > 0 else None
    )
    return _publish_pending_in_one_statement(app_label, cutoff, batch_size)


# The relay's every wake-up: the claim of `_publish_claimed` and its marks in
# one statement, with no ORM on the way; the marks of the events the broker refused are
# taken back before the commit. The same rows, marks and messages as `_publish_claimed`
# (docs/conventions.md, "Hot paths"; tests/system/test_event_backbone.py holds them equal).
_CLAIM_AND_MARK_SQL = """
UPDATE {table} SET published_at = %(now)s, attempts = attempts + 1, next_attempt_at = %(next)s
 WHERE id IN (SELECT id FROM {table}
               WHERE published_at IS NULL{older}
               ORDER BY occurred_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
RETURNING id, type, aggregate_id, payload, occurred_at, request_id, schema_version"""
# With an age asked (`publish_pending`), the claim's filter on it.
_OLDER_THAN_SQL = " AND occurred_at <= %(cutoff)s"
_UNMARK_SQL = """
UPDATE {table} SET published_at = NULL, attempts = attempts - 1, next_attempt_at = NULL
 WHERE id = ANY(%s)"""


def _publish_pending_in_one_statement(
    app_label: str, cutoff: datetime | None, batch_size: int
) -> int:
    connection = connections[database_for_app(app_label)]
    table = connection.ops.quote_name(outbox_model(app_label)._meta.db_table)
    now = timezone.now()
    marks: dict[str, datetime | int] = {
        "now": now,
        "next": now + redelivery_delay(1),
        "limit": batch_size,
    }
    older = ""
    if cutoff is not None:
        marks["cutoff"], older = cutoff, _OLDER_THAN_SQL
    with _claim_transaction(app_label), connection.cursor() as cursor:
        cursor.execute(_CLAIM_AND_MARK_SQL.format(table=table, older=older), marks)
        columns = [column.name for column in cursor.description]
        claimed = [
            SimpleNamespace(**dict(zip(columns, values, strict=True)))
            for values in cursor.fetchall()
        ]
        for row in claimed:  # Django reads jsonb as text, for JSONField to decode
            row.payload = json.loads(row.payload)
        claimed.sort(key=attrgetter("occurred_at"))
        events = [event_from_outbox_row(row, app_label) for row in claimed]
        sent = set(_send_or_defer([(event, consumers_for(event.type)) for event in events]))
        if refused := [uuid.UUID(event.id) for event in events if event.id not in sent]:
            cursor.execute(_UNMARK_SQL.format(table=table), [refused])
    return len(sent)


def relay(
    *, older_than_seconds: float = 0, batch_size: int = RELAY_BATCH_SIZE
) -> dict[str, dict[str, int]]:
    """In every app database: publish every outbox row still unpublished, then confirm or
    redeliver the published ones that are due (unless EVENTS_REDELIVER_AFTER_SECONDS is 0);
    and, with EVENTS_AMQP_URL set, publish to RabbitMQ what it has not confirmed yet, and
    with EVENTS_KAFKA_BOOTSTRAP_SERVERS set, to Kafka."""
    results = {}
    for app_label in outbox_apps():
        counts = {
            "published": publish_pending(
                app_label, older_than_seconds=older_than_seconds, batch_size=batch_size
            )
        }
        if settings.EVENTS_REDELIVER_AFTER_SECONDS:
            counts.update(redeliver_due(app_label, batch_size=batch_size))
        results[app_label] = counts
    if settings.EVENTS_AMQP_URL:
        results["rabbitmq"] = {"published": amqp.amqp_publish_pending(batch_size=batch_size)}
    if settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS:
        results["kafka"] = {"published": kafka.kafka_publish_pending(batch_size=batch_size)}
    return results
