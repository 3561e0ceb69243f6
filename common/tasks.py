"""Celery tasks of the event backbone. Thin: they take primitives and call `common.events`."""

from celery import Task, shared_task
from django.conf import settings

from common.events import bus


class EventDeliveryTask(Task):
    """After the last retry, the delivery is kept as a dead letter for an operator."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        consumer_name, event_data = args
        bus.dead_letter_record(
            consumer_name,
            event_data,
            f"{type(exc).__name__}: {exc}",
            attempts=self.request.retries + 1,
        )


@shared_task(
    base=EventDeliveryTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    max_retries=settings.EVENTS_MAX_RETRIES,
    retry_backoff=settings.EVENTS_RETRY_BACKOFF,
    retry_backoff_max=60,
    retry_jitter=True,
)
def event_deliver_task(consumer_name: str, event: dict) -> bool:
    return bus.deliver(consumer_name, event)


@shared_task(acks_late=True)
def events_relay_task() -> dict:
    return bus.relay(older_than_seconds=settings.EVENTS_RELAY_GRACE_SECONDS)
