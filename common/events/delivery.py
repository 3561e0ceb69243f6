"""Delivery: a worker applies one event to each consumer it names, each in a transaction of
its own and recorded in that consumer's inbox, at most once (docs/events.md, "Delivery")."""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from structlog.contextvars import bound_contextvars

from common.events.registry import consumer_named, inbox_model, typed, upcasted
from common.events.types import Event
from common.middleware import request_id_bound
from common.models import INBOX_TRANSITIONS

logger = logging.getLogger(__name__)


# The relay hands each event over once, naming its consumers; the worker delivers it to
# each in turn (`dispatch`), each in a transaction of its own and recorded in its own inbox.
# A consumer that fails is retried alone, by a delivery task of its own with backoff, and the
# others are not run again (docs/events.md, "Delivery").
def dispatch(event_data: dict[str, Any], consumer_names: list[str]) -> dict[str, bool | Exception]:
    """Deliver one event to each named consumer (`deliver`). Returns, by consumer, True for
    applied, False for a repeat, or the exception it failed with (logged; the caller retries
    it alone)."""
    results: dict[str, bool | Exception] = {}
    for name in consumer_names:
        with bound_contextvars(consumer=name):
            try:
                results[name] = deliver(name, event_data)
            except Exception as exc:
                logger.exception("%s failed %s %s", name, event_data["type"], event_data["id"])
                results[name] = exc
    return results


def deliver(consumer_name: str, event_data: dict[str, Any]) -> bool:
    """Apply one event to one consumer, at most once. Returns False for a repeat delivery."""
    registered = consumer_named(consumer_name)
    if registered is None:
        logger.error("No consumer named %s; dropping event %s", consumer_name, event_data["id"])
        return False
    event = upcasted(Event(**event_data))
    Inbox = inbox_model(registered.app_label)
    using = registered.using
    with request_id_bound(event.request_id), transaction.atomic(using=using):
        try:
            # A first delivery, the usual case, is one INSERT; in a savepoint, so that a
            # conflict leaves the transaction usable.
            with transaction.atomic(using=using):
                Inbox._default_manager.using(using).create(
                    event_id=event.id,
                    consumer=consumer_name,
                    event_type=event.type,
                    status=Inbox.Status.PROCESSED,
                    attempts=1,
                )
        except IntegrityError:  # recorded before, or by a concurrent delivery that committed
            row = (
                Inbox._default_manager.using(using)
                .select_for_update()
                .get(event_id=event.id, consumer=consumer_name)
            )
            if row.status == Inbox.Status.PROCESSED:
                return False
            # A dead letter being replayed: it becomes processed with its effect.
            INBOX_TRANSITIONS.apply(row, Inbox.Status.PROCESSED)
            row.attempts += 1
            row.last_error = ""
            row.save(using=using, update_fields=["status", "attempts", "last_error", "updated_at"])
        # A payload that does not match its type's class fails here, as the consumer would.
        registered.handler(typed(event, for_consumer=registered))
    return True
