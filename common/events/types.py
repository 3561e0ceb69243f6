"""What travels: `Event`, one occurrence of an event type, as the outbox row, the broker's
message and a consumer's delivery carry it (docs/events.md, "The envelope"). The bottom room
of the event backbone: it imports none of the others."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class Event:
    type: str
    aggregate_id: str
    payload: dict
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: timezone.now().isoformat())
    request_id: str = ""
    source: str = ""
    schema_version: int = 1

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def occurred(self) -> datetime:
        return parse_datetime(self.occurred_at)


def event_from_outbox_row(row, app_label: str) -> Event:
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
