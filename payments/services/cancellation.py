"""The cancellation saga's side in payments: a cancelled payable is charged no more and what
its payments captured is refunded, once (docs/deal.md, "Cancelling")."""

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.types import Id
from payments.choices import REFUNDABLE_STATUSES, PayableKind
from payments.models import Payable, Payment, Refund
from payments.services import refunds
from payments.services.ledger import payable_locked, showroom_of

DB = "payments"


# CANCELLATION SAGA
# ------------------------------------------------------------------------------
def payable_settle_cancelled(
    *,
    payable_id: Id,
    customer_id: Id,
    total_amount: Decimal,
    currency: str,
    kind: PayableKind = PayableKind.ORDER,
    order_id: Id | None = None,
) -> list[Refund]:
    """The payable was cancelled (an order, a seat given up, a premium unpaid in time):
    nothing more is charged, and what its payments captured is refunded in full, once. This
    runs in the consumer's transaction, so it only reserves the refunds; each is carried out
    after the commit. Payments still pending are failed when their turn comes, or refunded
    as soon as they complete if their charge was under way. A payable payments has not seen
    yet is recorded as cancelled, so that a payment whose request read it just before the
    cancellation is refused. The lender's money is not the customer's: it goes back to the
    lender through financing (docs/deal.md, "Cancelling"). Returns the refunds reserved."""
    with transaction.atomic(using=DB):
        Payable.objects.using(DB).get_or_create(
            payable_id=payable_id,
            defaults={
                "payable_kind": kind,
                "order_id": order_id,
                "showroom_id": showroom_of(order_id),
                "customer_id": customer_id,
                "total_amount": total_amount,
                "currency": currency,
                "cancelled_at": timezone.now(),
            },
        )
        reserved = [
            refunds.cancellation_refund_reserve(payment)
            for payment in _captured_of_cancelled(payable_id)
        ]
    return [refund for refund in reserved if refund is not None]


def _captured_of_cancelled(payable_id: Id) -> QuerySet[Payment]:
    """Mark the payable cancelled, under its lock (nothing more is charged to it), and lock
    its payments that can still give money back."""
    payable = payable_locked(payable_id)
    if payable.cancelled_at is None:
        payable.cancelled_at = timezone.now()
        payable.save(using=DB, update_fields=["cancelled_at", "updated_at"])
    return (
        Payment.objects.using(DB)
        .select_for_update()
        .filter(payable_id=payable_id, status__in=REFUNDABLE_STATUSES)
    )
