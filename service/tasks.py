"""The service department's periodic tasks (docs/service.md, "Messages"): the reminder the
day before a booking, and the maintenance reminders."""

from celery import shared_task

from service.services import messages


@shared_task(acks_late=True)
def booking_reminders_send_task() -> int:
    """Beat: the reminders of the bookings that start within a day."""
    return messages.booking_reminders_send()


@shared_task(acks_late=True)
def maintenance_reminders_send_task() -> int:
    """Beat: the reminders of the cars whose maintenance has come due."""
    return messages.maintenance_reminders_send()
