from celery import shared_task

from integrations.services import (
    deliveries_dispatch,
    delivery_send,
    feed_generate,
    feeds_generate,
    feeds_regeneration_taken,
)


@shared_task(ignore_result=True)
def webhooks_dispatch_task() -> int:
    """Queue a send for every delivery due now (beat runs it, and every new or redelivered
    delivery after commit)."""

    due = deliveries_dispatch()
    for delivery_id in due:
        webhook_send_task.delay(str(delivery_id))
    return len(due)


@shared_task(ignore_result=True, acks_late=True)
def webhook_send_task(delivery_id: str) -> None:
    delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def feeds_generate_task() -> int:
    """Write every classifieds' feed afresh (beat, and soon after the catalog changes)."""
    feeds_regeneration_taken()
    return feeds_generate()


@shared_task(ignore_result=True)
def feed_generate_task(feed_id: str) -> None:
    """Write one feed afresh (a feed just made or changed in the admin)."""
    feed_generate(feed_id=feed_id)
