"""Celery tasks of the event backbone. Thin: they take primitives and call `common.events`."""

import random

from celery import shared_task
from celery.exceptions import Reject
from django.conf import settings
from django.db import DatabaseError

from common.events import bus


def _backoff(retries: int) -> float:
    """Exponential, capped at five minutes, with jitter."""
    delay = min(settings.EVENTS_RETRY_BACKOFF * 2**retries, settings.CELERY_LONGEST_COUNTDOWN)
    return delay / 2 + random.uniform(0, delay / 2)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.EVENTS_MAX_RETRIES,
)
def event_deliver_task(self, consumer_name: str, event: dict) -> bool:
    try:
        return bus.deliver(consumer_name, event)
    except Exception as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
        error = f"{type(exc).__name__}: {exc}"
        try:
            bus.dead_letter_record(consumer_name, event, error, attempts=self.request.retries + 1)
        except DatabaseError as dead_letter_exc:
            # The message is the only copy left (its outbox row counts as published): put
            # it back on the queue rather than lose it.
            raise Reject(dead_letter_exc, requeue=True) from exc
        raise


@shared_task(acks_late=True)
def events_relay_task() -> dict:
    return bus.relay(older_than_seconds=settings.EVENTS_RELAY_GRACE_SECONDS)
