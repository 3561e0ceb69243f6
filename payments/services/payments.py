"""Payments: created against what a payable still owes, charged by Celery through the
provider, completed or failed once (docs/payments.md)."""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import idempotency
from common.api.exceptions import ApplicationError
from common.queueing import task_queue
from common.types import Actor, Id
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView
from payments import events, selectors
from payments.choices import (
    PAYMENT_TRANSITIONS,
    REFUNDABLE_STATUSES,
    UNSETTLED_STATUSES,
    PayableKind,
    PaymentStatus,
    ReceiptKind,
    TransactionType,
)
from payments.error_codes import PaymentErrorCode
from payments.models import Payable, Payment, PaymentIdempotencyKey
from payments.providers import (
    ChargeDeclined,
    ChargeRequest,
    ProviderRecord,
    State,
    get_provider,
)
from payments.selectors import credits_received
from payments.services import receipts, refunds
from payments.services.ledger import (
    captured_changed,
    disagreement,
    ledger_record,
    payable_locked,
    payment_locked,
    provider_call,
)
from payments.services.payables import _payable_noted_locked
from payments.services.work_orders import work_order_payable_locked

DB = "payments"
logger = logging.getLogger(__name__)
# Payments that still count against what an order owes.
OUTSTANDING = (*UNSETTLED_STATUSES, *REFUNDABLE_STATUSES)


# CREATE
# ------------------------------------------------------------------------------
def payment_create(
    *,
    user: Actor,
    amount: Decimal,
    method: str,
    order_id: Id | None = None,
    registration_id: Id | None = None,
    policy_id: Id | None = None,
    work_order_id: Id | None = None,
    description: str = "",
    payment_method_id: Id | None = None,
    idempotency_key: str,
) -> tuple[Payment, bool]:
    """Create a pending payment of a payable: an order, a seat at a paid event, a policy's
    premium or a service work order (exactly one of the four ids); `payment.created` has Celery process it. Returns
    (payment, created): the same key and request return the first payment
    (`common.api.idempotency.run_once`)."""

    def create() -> uuid.UUID:
        if payment_method_id is not None:  # only one's own saved card
            selectors.payment_method_get(user=user, method_id=payment_method_id)
        if order_id is not None:
            order = orders_selectors.order_view_get(user=user, order_id=order_id)
            payable = _payable_order_locked(order)
            pending = order.status is OrderStatus.PENDING
            held = _check_balance(payable, amount, closed=None if pending else order.status)
        elif work_order_id is not None:
            payable, closed = work_order_payable_locked(user, work_order_id)
            held = _check_balance(payable, amount, closed=closed)
        else:
            kind = PayableKind.REGISTRATION if registration_id else PayableKind.POLICY
            payable = _payable_noted_locked(user, kind, registration_id or policy_id)
            held = _check_balance(payable, amount)
        payment = Payment.objects.using(DB).create(
            payable_id=payable.payable_id,
            payable_kind=payable.payable_kind,
            customer_id=payable.customer_id,
            created_by_id=user.pk,
            amount=amount,
            currency=payable.currency,
            method=method,
            payment_method_id=payment_method_id,
            description=description,
        )
        receipts.payment_receipt_record(payment, payable, held=held)
        # Its processing starts from this outbox row (payments.handlers), so that a payment
        # created while the broker is down is processed once it is back.
        events.PAYMENT_CREATED.emit(
            aggregate_id=payment.pk,
            payload={**events.payment_payload(payment, payable), "method": payment.method},
        )
        return payment.pk

    payment_id, created = idempotency.run_once(
        model=PaymentIdempotencyKey,
        using=DB,
        owner_id=user.pk,
        key=idempotency_key,
        request={
            "order_id": order_id,
            "registration_id": registration_id,
            "policy_id": policy_id,
            # Named only when given, so that a key kept from before work orders were payable
            # still matches its request.
            **({"work_order_id": work_order_id} if work_order_id else {}),
            "amount": amount,
            "method": method,
            "description": description,
            "payment_method_id": payment_method_id,
        },
        create=create,
    )
    # A key's row commits with the id `create` returned, and payments never deletes one: a
    # replay always finds the payment's id.
    assert payment_id is not None
    return Payment.objects.using(DB).get(pk=payment_id), created


def _payable_order_locked(order: OrderView) -> Payable:
    """The order as payments sees it, brought up to date (a pending order's items may have
    changed) and locked for the rest of the transaction."""
    Payable.objects.using(DB).get_or_create(
        payable_id=order.id,
        defaults={
            "payable_kind": PayableKind.ORDER,
            "order_id": order.id,
            "showroom_id": order.showroom_id,
            "customer_id": order.customer_id,
            "total_amount": order.total_amount,
            "currency": order.currency,
        },
    )
    payable = payable_locked(order.id)
    if (payable.total_amount, payable.showroom_id) != (order.total_amount, order.showroom_id):
        payable.total_amount, payable.showroom_id = order.total_amount, order.showroom_id
        payable.save(using=DB, update_fields=["total_amount", "showroom_id", "updated_at"])
    return payable


def _check_balance(payable: Payable, amount: Decimal, *, closed: str | None = None) -> Decimal:
    """Refuse a payment of `amount` the payable does not owe; what its payments already hold
    (net of refunds) otherwise. `closed` says why the payable can no longer be paid (its
    order's status), if it can't; a cancelled one (by the saga) can't either. What the lender
    has disbursed, or is to disburse under an approved loan, and what an accepted trade-in
    credits, is not the customer's to pay."""
    if closed is None and payable.cancelled_at is not None:
        closed = "cancelled"
    if closed is not None:
        raise ApplicationError(
            _("%(payable)s that is %(closed)s cannot be paid.")
            % {"payable": PayableKind(payable.payable_kind).label, "closed": closed},
            code=PaymentErrorCode.ORDER_NOT_PAYABLE,
            status=409,
        )
    committed = Payment.objects.using(DB).filter(
        payable_id=payable.payable_id, status__in=OUTSTANDING
    ).aggregate(total=Sum(F("amount") - F("refunded_amount")))["total"] or Decimal("0")
    owed = (
        payable.total_amount
        - committed
        - credits_received(payable.payable_id)
        - payable.financed_amount
        - payable.trade_in_amount
    )
    owed = max(owed, Decimal("0.00"))
    if amount > owed:
        raise ApplicationError(
            _("%(owed)s %(currency)s is still owed.")
            % {"owed": owed, "currency": payable.currency},
            code=PaymentErrorCode.AMOUNT_EXCEEDS_BALANCE,
            status=409,
            details={"amount": [_("At most %s.") % owed], "owed": str(owed)},
        )
    return committed


def payment_process_enqueue(payment_id: Id) -> None:
    task_queue("payments.tasks.payment_process_task", str(payment_id))


# PROCESS
# ------------------------------------------------------------------------------
# Three committed steps, as for refunds: record the attempt, ask the provider (outside any
# transaction), settle. A payment is never failed while the provider may hold its charge:
# every path that would fail it first looks the charge up (`payment_reconcile`), and none
# fails it while an attempt may still be under way (a worker killed mid-charge leaves one
# open until the task time limit has passed).
def payment_process(*, payment_id: Id) -> Payment:
    """Charge a pending payment through the breaker. Provider outages (including an open
    breaker) propagate, for the task to retry; a decline fails the payment."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    if _payable_cancelled(payment.payable_id):
        return payment_reconcile(payment_id=payment.pk, reason=refunds.CANCELLATION_REASON)
    attempt = _charge_attempt_start(payment.pk)
    provider = get_provider(payment.provider)
    request = charge_request(payment)
    try:
        held: ProviderRecord | None = None
        if attempt > 1:  # an earlier attempt may have charged: ask before charging again
            held = provider_call(provider.charge_lookup, request, payment.provider_reference)
        if held is None:
            held = provider_call(provider.charge, request)
    except ChargeDeclined as exc:
        return payment_fail(payment_id=payment.pk, reason=str(exc))
    except BaseException:
        _charge_attempt_end(payment.pk, attempt)  # this attempt is over, whatever it did
        raise
    return payment_settle(payment_id=payment.pk, held=held)


def charge_request(payment: Payment) -> ChargeRequest:
    """The charge as the provider is asked for it: the same on every attempt, so that a
    repeated create is the same request under the same idempotency key."""
    return ChargeRequest(
        payment_id=str(payment.pk),
        amount=payment.amount,
        currency=payment.currency,
        description=payment.description or f"Autosalon payment {str(payment.pk)[:8]}",
        return_url=settings.PAYMENTS_RETURN_URL.format(payment_id=payment.pk),
        receipt=receipts.charge_receipt(payment),
    )


def payment_lookup(*, payment_id: Id) -> Payment:
    """Ask the provider about an unsettled payment and settle it by the answer; a payment
    the provider took no charge for is left as it is."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if payment.status not in UNSETTLED_STATUSES:
        return payment
    return payment_settle(payment_id=payment_id, held=_charge_held(payment))


def _charge_held(payment: Payment) -> ProviderRecord | None:
    """What the provider holds of the payment's charge: nothing, without asking, if no
    attempt was ever made (a look-up without a reference repeats the create, docs/payments.md,
    "Providers", which must not open a charge nobody asked for)."""
    if not payment.provider_reference and payment.provider_attempts == 0:
        return None
    provider = get_provider(payment.provider)
    return provider_call(
        provider.charge_lookup, charge_request(payment), payment.provider_reference
    )


def payment_settle(*, payment_id: Id, held: ProviderRecord | None) -> Payment:
    """Bring an unsettled payment to where the provider's record of its charge says it is,
    once: completed, failed, waiting for the customer's action, or as it was (nothing
    held, or the provider still deciding). A record that is not this payment's charge is
    logged and changes nothing."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if held is None:
        return payment
    if reason := disagreement(
        held, ours=payment.pk, amount=payment.amount, currency=payment.currency
    ):
        logger.error("Payment %s not settled: %s", payment.pk, reason)
        return payment
    receipts.registration_note(payment.receipts.filter(kind=ReceiptKind.PAYMENT), held)
    if held.state is State.SUCCEEDED and payment.status == PaymentStatus.FAILED:
        logger.error(
            "The provider holds charge %s of payment %s, which failed: refund it by hand",
            held.reference,
            payment.pk,
        )
    if held.state is State.SUCCEEDED:
        return _payment_complete(payment_id=payment.pk, reference=held.reference)
    if held.state is State.FAILED:
        return payment_fail(
            payment_id=payment.pk, reason=held.failure_reason or "The provider refused the charge."
        )
    if held.state is State.REQUIRES_ACTION:
        return _payment_requires_action(payment_id=payment.pk, held=held)
    return payment


def payment_reconcile(*, payment_id: Id, reason: str) -> Payment:
    """Decide a pending payment that is to be given up on by what the provider holds:
    completed with the charge the provider took (and refunded next, if its order was
    cancelled), failed with `reason` only if it holds none and no attempt may still be under
    way; left as it is while the provider is deciding or the customer may still confirm it.
    Provider outages propagate."""
    payment = Payment.objects.using(DB).get(pk=payment_id)
    if payment.status not in UNSETTLED_STATUSES:
        return payment
    held = _charge_held(payment)
    payment = payment_settle(payment_id=payment_id, held=held)
    if held is not None or payment.status != PaymentStatus.PENDING or _charge_under_way(payment):
        return payment
    return payment_fail(payment_id=payment.pk, reason=reason)


def _charge_attempt_start(payment_id: Id) -> int:
    """Record (and commit) a charge attempt before the provider hears of it; its number."""
    with transaction.atomic(using=DB):
        Payment.objects.using(DB).filter(pk=payment_id).update(
            provider_attempts=F("provider_attempts") + 1, charge_started_at=timezone.now()
        )
        return (
            Payment.objects.using(DB).values_list("provider_attempts", flat=True).get(pk=payment_id)
        )


def _charge_attempt_end(payment_id: Id, attempt: int) -> None:
    Payment.objects.using(DB).filter(pk=payment_id, provider_attempts=attempt).update(
        charge_started_at=None
    )


def _charge_under_way(payment: Payment) -> bool:
    """Whether a charge attempt may still be running: no task outlives its time limit."""
    started = payment.charge_started_at
    return started is not None and timezone.now() - started < timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT
    )


def _payment_requires_action(*, payment_id: Id, held: ProviderRecord) -> Payment:
    """The provider waits for the customer: note where they confirm it, once."""
    with transaction.atomic(using=DB):
        payable, payment = payment_locked(payment_id)
        if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.REQUIRES_ACTION):
            return payment
        PAYMENT_TRANSITIONS.apply(payment, PaymentStatus.REQUIRES_ACTION)
        payment.provider_reference = held.reference
        payment.confirmation_url = held.confirmation_url
        payment.save(
            using=DB,
            update_fields=["status", "provider_reference", "confirmation_url", "updated_at"],
        )
        events.PAYMENT_REQUIRES_ACTION.emit(
            aggregate_id=payment.pk, payload=events.payment_payload(payment, payable)
        )
    return payment


def _payment_complete(*, payment_id: Id, reference: str) -> Payment:
    """Record the charge, once. An order cancelled while the charge was under way gets the
    money back: the refund is reserved in the same transaction and carried out after it."""
    with transaction.atomic(using=DB):
        payable, payment = payment_locked(payment_id)
        if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.COMPLETED):
            return payment
        PAYMENT_TRANSITIONS.apply(payment, PaymentStatus.COMPLETED)
        payment.provider_reference = reference
        payment.confirmation_url = ""
        payment.processed_at = timezone.now()
        payment.save(
            using=DB,
            update_fields=[
                "status",
                "provider_reference",
                "confirmation_url",
                "processed_at",
                "updated_at",
            ],
        )
        ledger_record(payment, TransactionType.CHARGE, payment.amount, reference=reference)
        events.PAYMENT_COMPLETED.emit(
            aggregate_id=payment.pk,
            payload={**events.payment_payload(payment, payable), **captured_changed(payable)},
        )
        if payable.cancelled_at is not None:
            refunds.cancellation_refund_reserve(payment)
    return payment


def _payable_cancelled(payable_id: Id) -> bool:
    return (
        Payable.objects.using(DB).filter(payable_id=payable_id, cancelled_at__isnull=False).exists()
    )


def payment_fail(*, payment_id: Id, reason: str) -> Payment:
    """Fail an unsettled payment; a settled one stays as it is."""
    with transaction.atomic(using=DB):
        payable, payment = payment_locked(payment_id)
        if not PAYMENT_TRANSITIONS.allows(payment.status, PaymentStatus.FAILED):
            return payment
        PAYMENT_TRANSITIONS.apply(payment, PaymentStatus.FAILED)
        payment.failure_reason = reason[:500]
        payment.confirmation_url = ""
        payment.processed_at = timezone.now()
        payment.save(
            using=DB,
            update_fields=[
                "status",
                "failure_reason",
                "confirmation_url",
                "processed_at",
                "updated_at",
            ],
        )
        events.PAYMENT_FAILED.emit(
            aggregate_id=payment.pk, payload=events.payment_payload(payment, payable)
        )
    return payment
