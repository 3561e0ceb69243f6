"""`DomainEvent`: an event type as its app declares it in `<app>/events.py`, and its `emit`,
which records an occurrence in the app's outbox inside the caller's transaction
(docs/events.md)."""

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal

from common.db.databases import database_for_app
from common.db.transactions import insert_rows
from common.events import contract, publishing, registry
from common.events.types import Event, JsonPayload
from common.middleware import current_request_id


def _same_payload(payload: JsonPayload) -> JsonPayload:
    return payload


class DomainEvent:
    """A named event type of one app and the frozen dataclass of its payload, e.g.
    `DomainEvent("order.cancelled", payload=OrderCancelled, app_label="orders")`
    (common/events/payloads.py).

    `signal` is sent with `event=` for in-process listeners, inside the emitting transaction;
    listeners that act outside the database use `transaction.on_commit(..., using=...)`."""

    def __init__(
        self,
        type: str,
        *,
        payload: type,
        app_label: str,
        schema_version: int = 1,
        internal: bool = False,
        upcasters: dict[int, Callable[[JsonPayload], JsonPayload]] | None = None,
        formerly: str | None = None,
    ):
        self.type = type
        self.payload = payload  # what its consumers receive (TypedEvent.payload)
        self.app_label = app_label
        self.schema_version = schema_version  # of its payload's schema (common.events.contract)
        # Version N's payload -> version N+1's, for every version before `schema_version`: an
        # event stored before a new version shipped reaches consumers in the new shape
        # (docs/events.md, "The contract").
        self.upcasters = upcasters or {}
        # Renamed at `schema_version` from `formerly`, its name up to the version before: the
        # payload is unchanged, and partners receive the former name beside the new one for
        # this version (docs/events.md, "Names").
        self.formerly = formerly
        if formerly is not None:
            self.upcasters.setdefault(schema_version - 1, _same_payload)
        # An internal event (a request for an e-mail, say) stays inside: neither RabbitMQ nor
        # webhooks see it, and it is not part of the published contract.
        self.internal = internal
        self.using = database_for_app(app_label)
        self.signal = Signal()
        registry.declare(self)

    def __repr__(self) -> str:
        return f"DomainEvent({self.type!r})"

    def emit(
        self, *, aggregate_id: object, payload: JsonPayload, rows: Sequence[Model] = ()
    ) -> Event:
        """Record the event in the outbox; call inside `transaction.atomic(using=self.using)`.
        `rows`, new model instances of the change itself, are inserted before the outbox row
        and in the same round trip (`common.db.insert_rows`: no model signals)."""
        (event,) = emit_together([(self, aggregate_id, payload)], rows=rows)
        return event

    def _outbox_row(self, aggregate_id: object, payload: JsonPayload) -> tuple[Event, Model, bool]:
        """The event, its outbox row, and whether any consumer waits for it."""
        if settings.EVENTS_VALIDATE_PAYLOADS:
            contract.payload_check(self.app_label, self.type, self.schema_version, payload)
        event = Event(
            type=self.type,
            aggregate_id=str(aggregate_id),
            payload=payload,
            request_id=current_request_id(),
            source=self.app_label,
            schema_version=self.schema_version,
        )
        # An event nobody consumes is delivered as soon as it is stored.
        consumed = bool(registry.consumers_for(event.type))
        outbox_row = registry.outbox_model(self.app_label)(
            id=event.id,
            type=event.type,
            aggregate_id=event.aggregate_id,
            payload=event.payload,
            occurred_at=event.occurred,
            request_id=event.request_id,
            schema_version=event.schema_version,
            amqp_published_at=None
            if settings.EVENTS_AMQP_URL and not self.internal
            else event.occurred,
            kafka_published_at=None
            if settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS and not self.internal
            else event.occurred,
            published_at=None if consumed else event.occurred,
            delivered_at=None if consumed else event.occurred,
        )
        return event, outbox_row, consumed


Occurrence = tuple[DomainEvent, object, JsonPayload]  # the event, its aggregate's id, payload


def emit_together(occurrences: Sequence[Occurrence], *, rows: Sequence[Model] = ()) -> list[Event]:
    """Record events of one app, and `rows` before them, in one round trip, where an `emit`
    each makes a round trip each: for a change that records several events at once (an
    account's `user.created` and `user.contact_changed`), and for one whose time must not
    tell which of its paths it took (registration, docs/security.md, "Account
    enumeration"). Call inside `transaction.atomic` of the app's database."""
    apps = {kind.app_label for kind, _, _ in occurrences}
    if len(apps) != 1:
        raise ValueError(f"Events emitted together share one app's outbox, not {sorted(apps)}")
    app_label, using = occurrences[0][0].app_label, occurrences[0][0].using
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        names = ", ".join(kind.type for kind, _, _ in occurrences)
        raise RuntimeError(f"{names} must be emitted inside atomic(using={using!r})")
    recorded = [
        (kind, *kind._outbox_row(aggregate_id, payload))
        for kind, aggregate_id, payload in occurrences
    ]
    consumed = [event for _, event, _, waited_for in recorded if waited_for]
    # Published at commit, or by the relay (`events_relay --follow`), which listens:
    # PostgreSQL delivers the NOTIFY when the transaction commits, and not at all if it
    # rolls back (docs/operations.md, "Events: published by the relay").
    by_relay = consumed and not settings.EVENTS_PUBLISH_ON_COMMIT
    notify = f"NOTIFY {publishing.RELAY_CHANNEL}" if by_relay else ""
    insert_rows([*rows, *(row for _, _, row, _ in recorded)], using=using, then=notify)
    for kind, event, _, _ in recorded:
        kind.signal.send(sender=kind, event=event)
    if consumed and settings.EVENTS_PUBLISH_ON_COMMIT:
        transaction.on_commit(
            lambda: publishing.publish(app_label, consumed), using=using, robust=True
        )
    return [event for _, event, _, _ in recorded]
