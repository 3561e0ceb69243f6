"""Dead letters: the events a consumer could not apply after every retry, kept in its inbox
until an operator replays them (docs/operations.md, "Dead letters")."""

import logging
from typing import Any

from django.db import transaction

from common.events.delivery import deliver
from common.events.registry import consumer_named, inbox_model, inbox_rows, outbox_apps
from common.models import InboxEventBase

logger = logging.getLogger(__name__)


def dead_letter_record(
    consumer_name: str, event_data: dict[str, Any], error: str, attempts: int
) -> None:
    """Keep an event that exhausted its retries, unless a later delivery applied it."""
    registered = consumer_named(consumer_name)
    if registered is None:
        return
    Inbox = inbox_model(registered.app_label)
    with transaction.atomic(using=registered.using):
        row, created = (
            Inbox._default_manager.using(registered.using)
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


def dead_letters() -> list[InboxEventBase]:
    """Every dead letter in every app database, oldest first."""
    rows: list[InboxEventBase] = []
    for app_label in outbox_apps():
        Inbox = inbox_model(app_label)
        rows.extend(inbox_rows(app_label).filter(status=Inbox.Status.DEAD))
    return sorted(rows, key=lambda row: row.created_at)


def dead_letter_replay(row: InboxEventBase) -> bool:
    """Deliver a dead letter again, in this process. Returns True once it is applied."""
    try:
        return deliver(row.consumer, row.event)
    except Exception as exc:
        logger.exception("Replay of %s for %s failed", row.event_id, row.consumer)
        dead_letter_record(row.consumer, row.event, f"{type(exc).__name__}: {exc}", 1)
        return False
