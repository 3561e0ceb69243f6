import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.databases import database_for_app
from common.middleware import current_request_id, request_id_bound
from common.models import InboxEventBase
from common.transitions import TransitionMap

logger = logging.getLogger(__name__)

# A dead letter that a replay applies becomes processed; a processed event stays so.
INBOX_TRANSITIONS = TransitionMap(
    "inbox entry",
    InboxEventBase.Status,
    {(InboxEventBase.Status.DEAD, InboxEventBase.Status.PROCESSED): ()},
)


@dataclass(frozen=True)
class Event:
    type: str
    aggregate_id: str
    payload: dict
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: timezone.now().isoformat())
    request_id: str = ""
    source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def occurred(self) -> datetime:
        return parse_datetime(self.occurred_at)


def outbox_model(app_label: str):
    return apps.get_model(app_label, "OutboxEvent")


def inbox_model(app_label: str):
    return apps.get_model(app_label, "InboxEvent")


class DomainEvent:
    """A named event type of one app, e.g. `DomainEvent("order.cancelled", app_label="orders")`.

    `signal` is sent with `event=` for in-process listeners, inside the emitting transaction;
    listeners that act outside the database use `transaction.on_commit(..., using=...)`."""

    def __init__(self, type: str, *, app_label: str):
        self.type = type
        self.app_label = app_label
        self.using = database_for_app(app_label)
        self.signal = Signal()

    def __repr__(self):
        return f"DomainEvent({self.type!r})"

    def emit(self, *, aggregate_id, payload: dict) -> Event:
        """Record the event in the outbox; call inside `transaction.atomic(using=self.using)`."""
        connection = transaction.get_connection(self.using)
        if not connection.in_atomic_block:
            raise RuntimeError(f"{self.type} must be emitted inside atomic(using={self.using!r})")
        event = Event(
            type=self.type,
            aggregate_id=str(aggregate_id),
            payload=payload,
            request_id=current_request_id(),
            source=self.app_label,
        )
        outbox_model(self.app_label).objects.using(self.using).create(
            id=event.id,
            type=event.type,
            aggregate_id=event.aggregate_id,
            payload=event.payload,
            occurred_at=event.occurred,
            request_id=event.request_id,
        )
        self.signal.send(sender=self, event=event)
        transaction.on_commit(
            lambda: publish(self.app_label, [event]), using=self.using, robust=True
        )
        return event


# CONSUMERS
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Consumer:
    name: str
    event_type: str
    app_label: str
    handler: Callable[[Event], None]

    @property
    def using(self) -> str:
        return database_for_app(self.app_label)


_consumers: dict[str, Consumer] = {}
_by_type: dict[str, list[Consumer]] = defaultdict(list)


def consumer(event_type: str, *, name: str, app_label: str):
    """Register `handler(event)` for `event_type`; it runs inside `atomic(using=<app's db>)`."""

    def register(handler):
        if name in _consumers:
            if _consumers[name].handler.__qualname__ == handler.__qualname__:
                return handler  # the module was imported twice
            raise ValueError(f"Two consumers are named {name!r}")
        registered = Consumer(name, event_type, app_label, handler)
        _consumers[name] = registered
        _by_type[event_type].append(registered)
        return handler

    return register


def consumers_for(event_type: str) -> list[Consumer]:
    return list(_by_type.get(event_type, []))


# PUBLISHING
# ------------------------------------------------------------------------------
def event_from_outbox_row(row, app_label: str) -> Event:
    return Event(
        id=str(row.id),
        type=row.type,
        aggregate_id=row.aggregate_id,
        payload=row.payload,
        occurred_at=row.occurred_at.isoformat(),
        request_id=row.request_id,
        source=app_label,
    )


def publish(app_label: str, events: list[Event]) -> int:
    """Hand committed events to Celery, one delivery task per consumer, and mark them
    published. A broker failure leaves them unpublished for the relay. Returns how many
    went out."""
    from common.tasks import event_deliver_task

    sent = []
    for event in events:
        try:
            for registered in consumers_for(event.type):
                event_deliver_task.apply_async(args=[registered.name, event.as_dict()])
        except Exception:
            logger.exception("Could not publish %s %s; the relay will retry", event.type, event.id)
            continue
        sent.append(event.id)
    if sent:
        outbox_model(app_label).objects.using(database_for_app(app_label)).filter(
            pk__in=sent, published_at__isnull=True
        ).update(published_at=timezone.now())
    return len(sent)


def relay(*, older_than_seconds: float = 0, batch_size: int = 500) -> dict[str, int]:
    """Publish every outbox row still unpublished, in every app database."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    results = {}
    for app_config in apps.get_app_configs():
        try:
            Outbox = outbox_model(app_config.label)
        except LookupError:
            continue
        rows = (
            Outbox.objects.using(database_for_app(app_config.label))
            .filter(published_at__isnull=True, occurred_at__lte=cutoff)
            .order_by("occurred_at")[:batch_size]
        )
        events = [event_from_outbox_row(row, app_config.label) for row in rows]
        results[app_config.label] = publish(app_config.label, events) if events else 0
    return results


# DELIVERY
# ------------------------------------------------------------------------------
def deliver(consumer_name: str, event_data: dict) -> bool:
    """Apply one event to one consumer, at most once. Returns False for a repeat delivery."""
    registered = _consumers.get(consumer_name)
    if registered is None:
        logger.error("No consumer named %s; dropping event %s", consumer_name, event_data["id"])
        return False
    event = Event(**event_data)
    Inbox = inbox_model(registered.app_label)
    using = registered.using
    with request_id_bound(event.request_id), transaction.atomic(using=using):
        try:
            with transaction.atomic(using=using):
                row, created = (
                    Inbox.objects.using(using)
                    .select_for_update()
                    .get_or_create(
                        event_id=event.id,
                        consumer=consumer_name,
                        defaults={
                            "event_type": event.type,
                            "status": Inbox.Status.PROCESSED,
                            "attempts": 1,
                        },
                    )
                )
        except IntegrityError:  # a concurrent delivery of the same event committed first
            return False
        if not created:
            if row.status == Inbox.Status.PROCESSED:
                return False
            # A dead letter being replayed: it becomes processed with its effect.
            INBOX_TRANSITIONS.apply(row, Inbox.Status.PROCESSED)
            row.attempts += 1
            row.last_error = ""
            row.save(using=using, update_fields=["status", "attempts", "last_error", "updated_at"])
        registered.handler(event)
    return True


def dead_letter_record(consumer_name: str, event_data: dict, error: str, attempts: int) -> None:
    """Keep an event that exhausted its retries, unless a later delivery applied it."""
    registered = _consumers.get(consumer_name)
    if registered is None:
        return
    Inbox = inbox_model(registered.app_label)
    with transaction.atomic(using=registered.using):
        row, created = (
            Inbox.objects.using(registered.using)
            .select_for_update()
            .get_or_create(
                event_id=event_data["id"],
                consumer=consumer_name,
                defaults={
                    "event_type": event_data["type"],
                    "status": Inbox.Status.DEAD,
                    "event": event_data,
                    "attempts": attempts,
                    "last_error": error[:4000],
                },
            )
        )
        if not created and row.status == Inbox.Status.DEAD:
            row.attempts += attempts
            row.last_error = error[:4000]
            row.save(update_fields=["attempts", "last_error", "updated_at"])
    logger.error(
        "Dead letter: %s could not apply %s %s", consumer_name, event_data["type"], event_data["id"]
    )


def dead_letters() -> list:
    """Every dead letter in every app database, oldest first."""
    rows = []
    for app_config in apps.get_app_configs():
        try:
            Inbox = inbox_model(app_config.label)
        except LookupError:
            continue
        rows.extend(
            Inbox.objects.using(database_for_app(app_config.label)).filter(status=Inbox.Status.DEAD)
        )
    return sorted(rows, key=lambda row: row.created_at)


def dead_letter_replay(row) -> bool:
    """Deliver a dead letter again, in this process. Returns True once it is applied."""
    try:
        return deliver(row.consumer, row.event)
    except Exception as exc:
        logger.exception("Replay of %s for %s failed", row.event_id, row.consumer)
        dead_letter_record(row.consumer, row.event, f"{type(exc).__name__}: {exc}", 1)
        return False
