"""The sweep that settles what was left unsettled: payments, refunds, notifications and
settlement receipts whose task was lost or whose worker died (docs/payments.md). It runs
across these aggregates, so it stands above them."""

import logging
from datetime import timedelta

from django.utils import timezone
from pybreaker import CircuitBreakerError

from payments.choices import UNSETTLED_STATUSES, PaymentStatus
from payments.models import Payment
from payments.providers import ProviderUnavailable
from payments.services import payments, receipts, refunds
from payments.services.notifications import notifications_unapplied_requeue

DB = "payments"
logger = logging.getLogger(__name__)


def payments_pending_sweep(*, older_than: timedelta) -> dict[str, int]:
    """Settle payments left unsettled longer than `older_than` (a lost task, a worker killed
    mid-charge, a notification that never came): ask the provider, then complete (and
    refund, if the order was cancelled), fail (cancelled order, no charge), or hand the
    payment back to Celery. Processing is idempotent, so a payment that is queued already
    is safe. Refunds left pending are carried out, and notifications left unapplied are
    applied, and settlement receipts left unsent are registered. Returns the count of each outcome."""
    stuck = Payment.objects.using(DB).filter(
        status__in=UNSETTLED_STATUSES, created_at__lt=timezone.now() - older_than
    )
    counts = {"completed": 0, "failed": 0, "requeued": 0, "pending": 0, "requires_action": 0}
    for payment in list(stuck):
        cancelled = payments._payable_cancelled(payment.payable_id)
        try:
            if cancelled:
                payment = payments.payment_reconcile(
                    payment_id=payment.pk, reason=refunds.CANCELLATION_REASON
                )
            else:
                payment = payments.payment_lookup(payment_id=payment.pk)
        except (ProviderUnavailable, CircuitBreakerError):
            logger.warning("Payment %s stays unsettled: the provider is unavailable", payment.pk)
            counts["pending"] += 1
            continue
        if payment.status == PaymentStatus.FAILED:
            counts["failed"] += 1
        elif payment.status == PaymentStatus.REQUIRES_ACTION:
            counts["requires_action"] += 1
        elif payment.status != PaymentStatus.PENDING:
            counts["completed"] += 1
        elif cancelled or payments._charge_under_way(payment):
            counts["pending"] += 1
        else:
            payments.payment_process_enqueue(payment.pk)
            counts["requeued"] += 1
    counts["refunds_completed"] = refunds.refunds_pending_complete(older_than=older_than)
    counts["notifications_requeued"] = notifications_unapplied_requeue(older_than=older_than)
    try:
        counts["receipts_registered"] = receipts.settlements_unsent_issue(older_than=older_than)
    except (ProviderUnavailable, CircuitBreakerError):
        logger.warning("Settlement receipts stay unsent: the provider is unavailable")
        counts["receipts_registered"] = 0
    return counts
