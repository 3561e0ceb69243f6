"""What travels: `Event`, one occurrence of an event type, as the outbox row, the broker's
message and a consumer's delivery carry it (docs/events.md, "The envelope"). The bottom room
of the event backbone: it imports none of the others."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.utils import timezone
from django.utils.dateparse import parse_datetime

# An event's payload as it is stored and sent: JSON, primitives only (docs/events.md).
JsonPayload = dict[str, Any]


@dataclass(frozen=True)
class Event:
    type: str
    aggregate_id: str
    payload: JsonPayload
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: timezone.now().isoformat())
    request_id: str = ""
    source: str = ""
    schema_version: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def occurred(self) -> datetime:
        occurred = parse_datetime(self.occurred_at)
        if occurred is None:
            raise ValueError(f"Event {self.id}: occurred_at {self.occurred_at!r} is no time")
        return occurred


def event_from_outbox_row(row: Any, app_label: str) -> Event:
    """`row`: an outbox model instance, or the relay's namespace of the same columns."""
    return Event(
        id=str(row.id),
        type=row.type,
        aggregate_id=row.aggregate_id,
        payload=row.payload,
        occurred_at=row.occurred_at.isoformat(),
        request_id=row.request_id,
        source=app_label,
        schema_version=row.schema_version,
    )


P = TypeVar("P")


@dataclass(frozen=True)
class TypedEvent(Generic[P]):
    """What a consumer receives: the event as it travelled (`event`, its payload JSON), and its
    payload typed by its type's payload class (common/events/payloads.py), e.g.
    `TypedEvent[OrderCreated]`. A consumer reads `payload`; one that forwards the event as it
    is (the webhooks' fan-out) reads `event`."""

    event: Event
    payload: P

    @property
    def type(self) -> str:
        return self.event.type

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def aggregate_id(self) -> str:
        return self.event.aggregate_id

    @property
    def occurred(self) -> datetime:
        return self.event.occurred

    @property
    def request_id(self) -> str:
        return self.event.request_id
