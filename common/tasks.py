"""Celery tasks of the event backbone. Thin: they take primitives and call `common.events`."""

import logging
import random
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Reject
from django.conf import settings
from django.db import DatabaseError

from common.events import dead_letters, delivery, publishing, signing

logger = logging.getLogger(__name__)


def _backoff(retries: int) -> float:
    """Exponential, capped at five minutes, with jitter."""
    delay: float = min(
        settings.EVENTS_RETRY_BACKOFF * 2**retries, settings.CELERY_LONGEST_COUNTDOWN
    )
    return delay / 2 + random.uniform(0, delay / 2)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.EVENTS_MAX_RETRIES,
)
def event_deliver_task(
    self: "Task[Any, Any]", consumer_name: str, event: dict[str, Any], signature: str = ""
) -> bool:
    """One event retried for one consumer; signed for that consumer alone."""
    if not signing.verified(event, [consumer_name], signature):
        _refused(event, [consumer_name])
        return False
    try:
        return delivery.deliver(consumer_name, event)
    except Exception as exc:
        if self.request.retries < (self.max_retries or 0):
            raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
        error = f"{type(exc).__name__}: {exc}"
        try:
            dead_letters.dead_letter_record(
                consumer_name, event, error, attempts=self.request.retries + 1
            )
        except DatabaseError as dead_letter_exc:
            # The message is the only copy left (its outbox row counts as published): put
            # it back on the queue rather than lose it.
            raise Reject(dead_letter_exc, requeue=True) from exc
        raise


@shared_task(name=publishing.DISPATCH_TASK, acks_late=True, reject_on_worker_lost=True)
def event_dispatch_task(
    event: dict[str, Any], consumers: list[str], signature: str = ""
) -> dict[str, bool | None]:
    """One event, handed over once by the relay, delivered to each of its `consumers` here
    (`delivery.dispatch`). Returns, by consumer, True applied, False a repeat, None failed;
    nothing for a message whose signature does not hold (`common.events.signing`).

    One that failed goes on alone, as its own `event_deliver_task` on its first retry (with
    no retries allowed, it is a dead letter at once). What cannot be sent, like the consumers
    a killed dispatch never reached, the relay's redelivery hands over again to the consumers
    that have not recorded the event (docs/events.md, "Delivery")."""
    if not signing.verified(event, consumers, signature):
        _refused(event, consumers)
        return {}
    results: dict[str, bool | None] = {}
    for name, outcome in delivery.dispatch(event, consumers).items():
        results[name] = outcome if isinstance(outcome, bool) else None
        if results[name] is not None:
            continue
        try:
            if event_deliver_task.max_retries:
                # Its first retry: the task's own count starts there (an option
                # `apply_async` passes on, which its type stubs do not list).
                first_retry: dict[str, Any] = {"retries": 1}
                event_deliver_task.apply_async(
                    args=(name, event),
                    kwargs={"signature": signing.sign(event, [name])},
                    countdown=_backoff(0),
                    **first_retry,
                )
            else:
                error = f"{type(outcome).__name__}: {outcome}"
                dead_letters.dead_letter_record(name, event, error, attempts=1)
        except Exception:
            logger.exception("Could not retry %s for %s; the relay will", event["id"], name)
    return results


def _refused(event: object, consumers: list[str]) -> None:
    """A message nobody signed, or signed for another event or other consumers: forged or
    altered on its way. Logged, and nothing in it is acted on."""
    described = event if isinstance(event, dict) else {}
    logger.error(
        "Refused an event whose signature does not hold: %s %s for %s",
        described.get("type"),
        described.get("id"),
        ", ".join(map(str, consumers)),
    )


@shared_task(acks_late=True)
def events_relay_task() -> dict[str, dict[str, int]]:
    return publishing.relay(older_than_seconds=settings.EVENTS_RELAY_GRACE_SECONDS)
