"""Writes of the payments domain. Money moves only here."""

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from pybreaker import CircuitBreakerError

from common import idempotency
from common.exceptions import ApplicationError
from orders import selectors as orders_selectors
from payments import events, selectors
from payments.breaker import provider_breaker
from payments.choices import PaymentStatus, RefundStatus, TransactionType
from payments.error_codes import PaymentErrorCode
from payments.models import (
    LedgerTransaction,
    PayableOrder,
    Payment,
    PaymentIdempotencyKey,
    Refund,
    SavedPaymentMethod,
)
from payments.providers import ChargeDeclined, ProviderUnavailable, get_provider

DB = "payments"
logger = logging.getLogger(__name__)
# Payments that still count against what an order owes.
OUTSTANDING = (PaymentStatus.PENDING, PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED)


# CREATE
# ------------------------------------------------------------------------------
class _KeyTaken(Exception):
    pass


def _replay(user_id, key: str, fingerprint: str) -> tuple[int, dict] | None:
    record = PaymentIdempotencyKey.objects.using(DB).filter(user_id=user_id, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise idempotency.key_reused()
    return record.response_status, record.response_body


def payment_create(
    *,
    user,
    order_id,
    amount: Decimal,
    method: str,
    description: str = "",
    payment_method_id=None,
    idempotency_key: str,
    render: Callable[[Payment], dict],
) -> tuple[int, dict, bool]:
    """Create a pending payment and have Celery process it. Returns (status, body, created).

    The key is scoped to the user and stored with a fingerprint of the request and the first
    response (`render(payment)`): the same key and request replay that response; a
    concurrent duplicate waits on the key's unique index, then replays it too."""
    fingerprint = idempotency.fingerprint(
        {
            "order_id": order_id,
            "amount": amount,
            "method": method,
            "description": description,
            "payment_method_id": payment_method_id,
        }
    )
    if replayed := _replay(user.pk, idempotency_key, fingerprint):
        return (*replayed, False)
    order = orders_selectors.order_get(user=user, order_id=order_id)  # 404 for others' orders
    if payment_method_id is not None:  # only one's own saved card
        selectors.payment_method_get(user=user, method_id=payment_method_id)
    try:
        with transaction.atomic(using=DB):
            key = _idempotency_key_claim(user.pk, idempotency_key, fingerprint)
            payable = _payable_order_locked(order)
            _check_balance(order, payable, amount)
            payment = Payment.objects.using(DB).create(
                order_id=order.pk,
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
            key.response_status, key.response_body = 201, render(payment)
            key.save(using=DB, update_fields=["response_status", "response_body", "updated_at"])
            transaction.on_commit(lambda: _enqueue(payment.pk), using=DB, robust=True)
    except _KeyTaken:
        return (*_replay(user.pk, idempotency_key, fingerprint), False)
    return key.response_status, key.response_body, True


def _idempotency_key_claim(user_id, key: str, fingerprint: str) -> PaymentIdempotencyKey:
    try:
        with transaction.atomic(using=DB):
            return PaymentIdempotencyKey.objects.using(DB).create(
                user_id=user_id, key=key, fingerprint=fingerprint
            )
    except IntegrityError as exc:
        raise _KeyTaken from exc


def _payable_order_locked(order) -> PayableOrder:
    """The order as payments sees it, brought up to date (a pending order's items may have
    changed) and locked for the rest of the transaction."""
    PayableOrder.objects.using(DB).get_or_create(
        order_id=order.pk,
        defaults={
            "customer_id": order.customer_id,
            "total_amount": order.total_amount,
            "currency": order.currency,
        },
    )
    payable = PayableOrder.objects.using(DB).select_for_update().get(order_id=order.pk)
    if payable.total_amount != order.total_amount:
        payable.total_amount = order.total_amount
        payable.save(using=DB, update_fields=["total_amount", "updated_at"])
    return payable


def _check_balance(order, payable: PayableOrder, amount: Decimal) -> None:
    if order.status != "pending":
        raise ApplicationError(
            f"An order that is {order.status} cannot be paid.",
            code=PaymentErrorCode.ORDER_NOT_PAYABLE,
            status=409,
        )
    committed = Payment.objects.using(DB).filter(
        order_id=order.pk, status__in=OUTSTANDING
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
    """Charge a pending payment through the breaker. Provider outages (including an open
    breaker) propagate, for the task to retry; a decline fails the payment."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    if _order_cancelled(payment.order_id):
        return payment_fail(payment_id=payment.pk, reason="The order was cancelled.")
    try:
        result = provider_breaker().call(
            get_provider().charge,
            payment_id=str(payment.pk),
            amount=payment.amount,
            currency=payment.currency,
        )
    except ChargeDeclined as exc:
        return payment_fail(payment_id=payment.pk, reason=str(exc))
    return _payment_complete(payment_id=payment.pk, reference=result.reference)


def _pending_payment_locked(payment_id) -> tuple[Payment, bool]:
    """The payment, locked, and whether it is still pending: only a pending payment may
    complete or fail, whichever of the two comes first."""
    payment = Payment.objects.using(DB).select_for_update().get(pk=payment_id)
    return payment, payment.status == PaymentStatus.PENDING


def _payment_complete(*, payment_id, reference: str) -> Payment:
    with transaction.atomic(using=DB):
        payment, pending = _pending_payment_locked(payment_id)
        if not pending:
            return payment
        payment.status = PaymentStatus.COMPLETED
        payment.provider_reference = reference
        payment.processed_at = timezone.now()
        payment.save(
            using=DB, update_fields=["status", "provider_reference", "processed_at", "updated_at"]
        )
        _ledger_record(payment, TransactionType.CHARGE, payment.amount)
        events.PAYMENT_COMPLETED.emit(
            aggregate_id=payment.pk, payload=events.payment_payload(payment)
        )
        if _order_cancelled(payment.order_id):  # cancelled while the charge was under way
            payment_refund(
                payment_id=payment.pk,
                reason="The order was cancelled.",
                refund_id=_cancellation_refund_id(payment.pk),
            )
            payment.refresh_from_db(using=DB)
    return payment


def _order_cancelled(order_id) -> bool:
    return (
        PayableOrder.objects.using(DB)
        .filter(order_id=order_id, cancelled_at__isnull=False)
        .exists()
    )


def _cancellation_refund_id(payment_id) -> uuid.UUID:
    """The same id on every retry, so that the provider refunds once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"order-cancelled:{payment_id}")


def _ledger_record(payment: Payment, type: TransactionType, amount: Decimal) -> None:
    LedgerTransaction.objects.using(DB).create(
        payment=payment,
        order_id=payment.order_id,
        customer_id=payment.customer_id,
        type=type,
        amount=amount,
        currency=payment.currency,
    )


def payment_fail(*, payment_id, reason: str) -> Payment:
    with transaction.atomic(using=DB):
        payment, pending = _pending_payment_locked(payment_id)
        if not pending:
            return payment
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = reason[:500]
        payment.processed_at = timezone.now()
        payment.save(
            using=DB, update_fields=["status", "failure_reason", "processed_at", "updated_at"]
        )
        events.PAYMENT_FAILED.emit(aggregate_id=payment.pk, payload=events.payment_payload(payment))
    return payment


# REFUND
# ------------------------------------------------------------------------------
REFUNDABLE = (PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED)


def payment_refund(
    *, payment_id, reason: str, amount: Decimal | None = None, user=None, refund_id=None
) -> Refund:
    """Give back part or all of a captured payment (all that is left when `amount` is None).

    Three steps, so that money is never moved without a record: the refund is recorded as
    pending under the payment's lock (pending refunds count against what is left, so
    concurrent refunds never exceed what was captured), the provider is asked (idempotent
    on the refund id), and the refund is completed. A crash between the last two leaves a
    pending refund that `payments_retry_pending` completes. `user` is None when the system
    refunds; a retried caller passes the same `refund_id`."""
    refund = _refund_open(payment_id, reason=reason, amount=amount, user=user, refund_id=refund_id)
    try:
        reference = _provider_refund(refund)
    except ApplicationError:
        Refund.objects.using(DB).filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=RefundStatus.FAILED, updated_at=timezone.now()
        )
        raise
    return _refund_complete(refund_id=refund.pk, reference=reference)


def _refund_open(payment_id, *, reason, amount, user, refund_id) -> Refund:
    with transaction.atomic(using=DB):
        payment = Payment.objects.using(DB).select_for_update().get(pk=payment_id)
        if payment.status not in REFUNDABLE:
            raise ApplicationError(
                f"A {payment.status} payment cannot be refunded.",
                code=PaymentErrorCode.PAYMENT_NOT_REFUNDABLE,
                status=409,
            )
        in_flight = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0")
        remaining = payment.amount - payment.refunded_amount - in_flight
        amount = remaining if amount is None else amount
        if not Decimal("0") < amount <= remaining:
            raise ApplicationError(
                f"At most {remaining} {payment.currency} can still be refunded.",
                code=PaymentErrorCode.REFUND_EXCEEDS_CAPTURED,
                status=409,
                details={"amount": [f"At most {remaining}."]},
            )
        return Refund.objects.using(DB).create(
            id=refund_id or uuid.uuid4(),
            payment=payment,
            amount=amount,
            reason=reason,
            created_by_id=getattr(user, "pk", None),
        )


def _provider_refund(refund: Refund) -> str:
    try:
        return (
            provider_breaker()
            .call(
                get_provider().refund,
                refund_id=str(refund.pk),
                charge_reference=refund.payment.provider_reference,
                amount=refund.amount,
            )
            .reference
        )
    except (ProviderUnavailable, CircuitBreakerError) as exc:
        raise ApplicationError(
            "The payment provider is unavailable; try the refund again later.",
            code=PaymentErrorCode.PROVIDER_UNAVAILABLE,
            status=503,
        ) from exc


def _refund_complete(*, refund_id, reference: str) -> Refund:
    with transaction.atomic(using=DB):
        refund = Refund.objects.using(DB).select_related("payment").get(pk=refund_id)
        payment = Payment.objects.using(DB).select_for_update().get(pk=refund.payment_id)
        refund.refresh_from_db(using=DB)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.status = RefundStatus.COMPLETED
        refund.provider_reference = reference
        refund.save(using=DB, update_fields=["status", "provider_reference", "updated_at"])
        payment.refunded_amount += refund.amount
        payment.status = (
            PaymentStatus.REFUNDED
            if payment.refunded_amount == payment.amount
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(using=DB, update_fields=["refunded_amount", "status", "updated_at"])
        _ledger_record(payment, TransactionType.REFUND, -refund.amount)
        events.PAYMENT_REFUNDED.emit(
            aggregate_id=payment.pk,
            payload={**events.payment_payload(payment), "refund_amount": str(refund.amount)},
        )
    return refund


def refunds_pending_complete(*, older_than) -> int:
    """Finish refunds left pending by a crash: the provider, idempotent on the refund id,
    refunds at most once."""
    stuck = (
        Refund.objects.using(DB)
        .filter(status=RefundStatus.PENDING, created_at__lt=timezone.now() - older_than)
        .select_related("payment")
    )
    completed = 0
    for refund in stuck:
        try:
            reference = _provider_refund(refund)
        except ApplicationError:
            logger.warning("Refund %s still pending: the provider is unavailable", refund.pk)
            continue
        _refund_complete(refund_id=refund.pk, reference=reference)
        completed += 1
    return completed


def order_payments_settle_cancelled(*, order_id) -> None:
    """The cancellation saga: refund in full what the order's payments captured, once.
    Payments still pending are failed when their turn comes, or refunded as soon as they
    complete if their charge was already under way."""
    with transaction.atomic(using=DB):
        PayableOrder.objects.using(DB).filter(order_id=order_id, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        refundable = Payment.objects.using(DB).filter(order_id=order_id, status__in=REFUNDABLE)
        for payment_id in refundable.values_list("pk", flat=True):
            payment = Payment.objects.using(DB).get(pk=payment_id)
            if payment.refunded_amount < payment.amount:
                payment_refund(
                    payment_id=payment_id,
                    reason="The order was cancelled.",
                    refund_id=_cancellation_refund_id(payment_id),
                )


# SAVED PAYMENT METHODS
# ------------------------------------------------------------------------------
def payment_method_save(*, user, **fields) -> SavedPaymentMethod:
    return SavedPaymentMethod.objects.using(DB).create(owner_id=user.pk, **fields)


def payment_method_delete(*, method: SavedPaymentMethod) -> None:
    method.delete(using=DB)
