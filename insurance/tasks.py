"""Insurance's tasks: thin, calling a service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def policies_unpaid_lapse_task() -> int:
    """Beat: policies whose premium was not paid within INSURANCE_PAYMENT_HOLD_HOURS lapse."""
    from insurance import services

    return services.policies_unpaid_lapse()
