from celery import shared_task

from notifications import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def delivery_send_task(self, delivery_id: str) -> str:
    """Send a delivery; a temporary failure tries again with back-off, until
    NOTIFICATIONS_MAX_ATTEMPTS (docs/notifications.md, "Delivery")."""
    try:
        return services.delivery_send(delivery_id=delivery_id).status
    except services.SendLater as exc:
        raise self.retry(exc=exc, countdown=exc.seconds) from exc


@shared_task(acks_late=True)
def reminders_send_task() -> dict:
    """Beat: the reminders that fall due, and the deliveries a lost task or a dead worker
    left queued."""
    return {
        "reminders": services.reminders_send(),
        "requeued": services.deliveries_stalled_requeue(),
    }
