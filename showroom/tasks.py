from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def registrations_expire_holds_task() -> int:
    """Beat: seats held for a payment that did not come go back to the waitlist."""
    from showroom import services

    return services.registrations_expire_holds()
