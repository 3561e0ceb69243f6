"""Payments: created against what an order still owes, charged by Celery through the
provider, completed or failed once, and settled when their order is cancelled."""

import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from common import idempotency
from common.exceptions import ApplicationError
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView
from payments import events, selectors
from payments.choices import (
    PAYMENT_TRANSITIONS,
    REFUNDABLE_STATUSES,
    PaymentStatus,
    TransactionType,
)
from payments.error_codes import PaymentErrorCode
from payments.models import PayableOrder, Payment, PaymentIdempotencyKey
from payments.providers import ChargeDeclined, get_provider
from payments.services import refunds
from payments.services.ledger import (
    captured_changed,
    ledger_record,
    payable_locked,
    payment_locked,
    provider_call,
)

DB = "payments"
logger = logging.getLogger(__name__)
# Payments that still count against what an order owes.
OUTSTANDING = (PaymentStatus.PENDING, *REFUNDABLE_STATUSES)


# CREATE
# ------------------------------------------------------------------------------
def payment_create(
    *,
    user,
    order_id,
    amount: Decimal,
    method: str,
    description: str = "",
    payment_method_id=None,
    idempotency_key: str,
) -> tuple[Payment, bool]:
    """Create a pending payment and have Celery process it. Returns (payment, created): the
    same key and request return the first payment (`common.idempotency.run_once`)."""

    def create() -> uuid.UUID:
        order = orders_selectors.order_view_get(user=user, order_id=order_id)
        if payment_method_id is not None:  # only one's own saved card
            selectors.payment_method_get(user=user, method_id=payment_method_id)
        payable = _payable_order_locked(order)
        _check_balance(order, payable, amount)
        payment = Payment.objects.using(DB).create(
            order_id=order.id,
            customer_id=order.customer_id,
            created_by_id=user.pk,
            amount=amount,
            currency=payable.currency,
            method=method,
            payment_method_id=payment_method_id,
            description=description,
        )
        events.PAYMENT_CREATED.emit(
            aggregate_id=payment.pk, payload=events.payment_payload(payment)
        )
        transaction.on_commit(lambda: _enqueue(payment.pk), using=DB, robust=True)
        return payment.pk

    payment_id, created = idempotency.run_once(
        model=PaymentIdempotencyKey,
        using=DB,
        owner_id=user.pk,
        key=idempotency_key,
        request={
            "order_id": order_id,
            "amount": amount,
            "method": method,
            "description": description,
            "payment_method_id": payment_method_id,
        },
        create=create,
    )
    return Payment.objects.using(DB).get(pk=payment_id), created


def _payable_order_locked(order: OrderView) -> PayableOrder:
    """The order as payments sees it, brought up to date (a pending order's items may have
    changed) and locked for the rest of the transaction."""
    PayableOrder.objects.using(DB).get_or_create(
        order_id=order.id,
        defaults={
            "customer_id": order.customer_id,
            "total_amount": order.total_amount,
            "currency": order.currency,
        },
    )
    payable = payable_locked(order.id)
    if payable.total_amount != order.total_amount:
        payable.total_amount = order.total_amount
        payable.save(using=DB, update_fields=["total_amount", "updated_at"])
    return payable


def _check_balance(order: OrderView, payable: PayableOrder, amount: Decimal) -> None:
    if order.status is not OrderStatus.PENDING or payable.cancelled_at is not None:
        raise ApplicationError(
            f"An order that is {order.status} cannot be paid.",
            code=PaymentErrorCode.ORDER_NOT_PAYABLE,
            status=409,
        )
    committed = Payment.objects.using(DB).filter(
        order_id=order.id, status__in=OUTSTANDING
    ).aggregate(total=Sum(F("amount") - F("refunded_amount")))["total"] or Decimal("0")
    owed = payable.total_amount - committed
    if amount > owed:
        raise ApplicationError(
            f"The order still owes {owed} {payable.currency}.",
            code=PaymentErrorCode.AMOUNT_EXCEEDS_BALANCE,
            status=409,
            details={"amount": [f"At most {owed}."], "owed": str(owed)},
        )


def _enqueue(payment_id) -> None:
    from payments.tasks import payment_process_task

    payment_process_task.delay(str(payment_id))


def payments_pending_requeue(*, older_than) -> int:
    """Enqueue processing again for payments pending longer than `older_than`. Processing is
    idempotent (the provider charges once per payment), so a payment already queued is safe."""
    stuck = Payment.objects.using(DB).filter(
        status=PaymentStatus.PENDING, created_at__lt=timezone.now() - older_than
    )
    ids = list(stuck.values_list("pk", flat=True))
    for payment_id in ids:
        _enqueue(payment_id)
    return len(ids)


# PROCESS
# ------------------------------------------------------------------------------
def payment_process(*, payment_id) -> Payment:
    """Charge a pending payment through the breaker, outside any transaction. Provider
    outages (including an open breaker) propagate, for the task to retry; a decline fails
    the payment."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.COMPLETED):
        return payment
    if _order_cancelled(payment.order_id):
        return payment_fail(payment_id=payment.pk, reason="The order was cancelled.")
    try:
        result = provider_call(
            get_provider().charge,
            payment_id=str(payment.pk),
            amount=payment.amount,
            currency=payment.currency,
        )
    except ChargeDeclined as exc:
        return payment_fail(payment_id=payment.pk, reason=str(exc))
    return _payment_complete(payment_id=payment.pk, reference=result.reference)


def _payment_complete(*, payment_id, reference: str) -> Payment:
    """Record the charge, once. An order cancelled while the charge was under way gets the
    money back: the refund is reserved in the same transaction and carried out after it."""
    with transaction.atomic(using=DB):
        payable, payment = payment_locked(payment_id)
        if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.COMPLETED):
            return payment
        PAYMENT_TRANSITIONS.apply(payment, PaymentStatus.COMPLETED)
        payment.provider_reference = reference
        payment.processed_at = timezone.now()
        payment.save(
            using=DB, update_fields=["status", "provider_reference", "processed_at", "updated_at"]
        )
        ledger_record(payment, TransactionType.CHARGE, payment.amount)
        events.PAYMENT_COMPLETED.emit(
            aggregate_id=payment.pk,
            payload={**events.payment_payload(payment), **captured_changed(payable)},
        )
        if payable.cancelled_at is not None:
            refunds.cancellation_refund_reserve(payment)
    return payment


def _order_cancelled(order_id) -> bool:
    return (
        PayableOrder.objects.using(DB)
        .filter(order_id=order_id, cancelled_at__isnull=False)
        .exists()
    )


def payment_fail(*, payment_id, reason: str) -> Payment:
    """Fail a pending payment; a payment that is no longer pending stays as it is."""
    with transaction.atomic(using=DB):
        _payable, payment = payment_locked(payment_id)
        if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.FAILED):
            return payment
        PAYMENT_TRANSITIONS.apply(payment, PaymentStatus.FAILED)
        payment.failure_reason = reason[:500]
        payment.processed_at = timezone.now()
        payment.save(
            using=DB, update_fields=["status", "failure_reason", "processed_at", "updated_at"]
        )
        events.PAYMENT_FAILED.emit(aggregate_id=payment.pk, payload=events.payment_payload(payment))
    return payment


# CANCELLATION SAGA
# ------------------------------------------------------------------------------
def order_payments_settle_cancelled(
    *, order_id, customer_id, total_amount: Decimal, currency: str
) -> list:
    """The order was cancelled: nothing more is charged, and what its payments captured is
    refunded in full, once. This runs in the consumer's transaction, so it only reserves the
    refunds; each is carried out after the commit. Payments still pending are failed when
    their turn comes, or refunded as soon as they complete if their charge was under way.
    An order payments has not seen yet is recorded as cancelled, so that a payment whose
    request read the order just before the cancellation is refused. Returns the refunds
    reserved."""
    with transaction.atomic(using=DB):
        PayableOrder.objects.using(DB).get_or_create(
            order_id=order_id,
            defaults={
                "customer_id": customer_id,
                "total_amount": total_amount,
                "currency": currency,
                "cancelled_at": timezone.now(),
            },
        )
        payable = payable_locked(order_id)
        if payable.cancelled_at is None:
            payable.cancelled_at = timezone.now()
            payable.save(using=DB, update_fields=["cancelled_at", "updated_at"])
        captured = (
            Payment.objects.using(DB)
            .select_for_update()
            .filter(order_id=order_id, status__in=REFUNDABLE_STATUSES)
        )
        reserved = [refunds.cancellation_refund_reserve(payment) for payment in captured]
    return [refund for refund in reserved if refund is not None]
