from datetime import timedelta

from celery import shared_task
from django.conf import settings
from pybreaker import CircuitBreakerError

from payments import services
from payments.providers import ProviderUnavailable
from payments.services import notifications, receipts

# Tasks that move money are acknowledged only when done and put back if their worker dies;
# each runs under the global time limit (CELERY_TASK_TIME_LIMIT), which also bounds how
# long a charge attempt may be under way (payments.services.payments).
MONEY_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": settings.PAYMENTS_MAX_RETRIES,
}


def _retrying(task, call, *, exhausted):
    """`call()`; while the provider is unavailable (or the breaker open) the task tries
    again, and after the retry budget it returns `exhausted(exc)`."""
    try:
        return call()
    except (ProviderUnavailable, CircuitBreakerError) as exc:
        if task.request.retries < task.max_retries:
            raise task.retry(exc=exc, countdown=settings.PAYMENTS_RETRY_SECONDS) from exc
        return exhausted(exc)


@shared_task(**MONEY_TASK)
def payment_process_task(self, payment_id: str) -> str:
    """Charge a pending payment. While the provider is down the payment stays pending and
    the task tries again; after the retry budget the payment is failed, unless the provider
    holds its charge (then it completes) or cannot be asked (then it stays pending for the
    sweep)."""

    def give_up(exc) -> str:
        try:
            return services.payment_reconcile(
                payment_id=payment_id, reason=f"The payment provider is unavailable: {exc}"
            ).status
        except (ProviderUnavailable, CircuitBreakerError):
            return "pending"

    return _retrying(
        self, lambda: services.payment_process(payment_id=payment_id).status, exhausted=give_up
    )


@shared_task(**MONEY_TASK)
def refund_process_task(self, refund_id: str) -> str:
    """Carry out a reserved refund. While the provider is down the refund stays pending and
    the task tries again; after the retry budget the sweep finishes it."""

    return _retrying(
        self,
        lambda: services.refund_execute(refund_id=refund_id).status,
        exhausted=lambda exc: "pending",
    )


@shared_task(**MONEY_TASK)
def provider_notification_task(self, notification_id: str) -> str:
    """Apply a notification from the provider. While the provider cannot be asked, it stays
    recorded and the task tries again; after the retry budget the sweep hands it back."""

    return _retrying(
        self,
        lambda: notifications.provider_notification_apply(notification_id=notification_id).status,
        exhausted=lambda exc: "received",
    )


@shared_task(**MONEY_TASK)
def settlement_receipt_task(self, payable_id: str) -> str:
    """Register the settlement receipt of an order, or a work order, handed over. While the
    provider is down it tries again; after the retry budget the sweep registers it."""

    def issue() -> str:
        receipt = receipts.settlement_receipt_issue(payable_id=payable_id)
        return "none" if receipt is None else receipt.status

    return _retrying(self, issue, exhausted=lambda exc: "pending")


@shared_task(**MONEY_TASK)
def payment_lookup_task(self, payment_id: str) -> str:
    """Ask the provider about an unsettled payment at once: its customer came back from
    confirming it. The notification, or the sweep, settles it otherwise."""

    try:
        return services.payment_lookup(payment_id=payment_id).status
    except (ProviderUnavailable, CircuitBreakerError):
        return "unknown"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def payments_pending_sweep_task() -> dict:
    """Beat: settle payments and refunds left pending (docs/operations.md, "Faults")."""

    age = timedelta(seconds=settings.PAYMENTS_PENDING_SWEEP_AFTER_SECONDS)
    return services.payments_pending_sweep(older_than=age)
