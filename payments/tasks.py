from celery import shared_task
from django.conf import settings
from pybreaker import CircuitBreakerError

from payments.providers import ProviderUnavailable


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.PAYMENTS_MAX_RETRIES,
)
def payment_process_task(self, payment_id: str) -> str:
    """Charge a pending payment. While the provider is down (or the breaker open) the
    payment stays pending and the task tries again; after the retry budget it fails."""
    from payments import services

    try:
        return services.payment_process(payment_id=payment_id).status
    except (ProviderUnavailable, CircuitBreakerError) as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=settings.PAYMENTS_RETRY_SECONDS) from exc
        return services.payment_fail(
            payment_id=payment_id, reason=f"The payment provider is unavailable: {exc}"
        ).status


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.PAYMENTS_MAX_RETRIES,
)
def refund_process_task(self, refund_id: str) -> str:
    """Carry out a reserved refund. While the provider is down the refund stays pending and
    the task tries again; after the retry budget `payments_retry_pending` finishes it."""
    from payments import services

    try:
        return services.refund_execute(refund_id=refund_id).status
    except (ProviderUnavailable, CircuitBreakerError) as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=settings.PAYMENTS_RETRY_SECONDS) from exc
        return "pending"
