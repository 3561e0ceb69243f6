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
