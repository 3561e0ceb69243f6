"""Refunds in three committed steps, so that money never moves without a record and no
provider call holds a lock: reserve (a pending refund counts against what is left, so
concurrent refunds never exceed what was captured), call the provider (idempotent on the
refund id), settle. A crash between the steps leaves a pending refund that
`refund_process_task` or `payments_retry_pending` carries out."""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pybreaker import CircuitBreakerError

from common import four_eyes
from common.api.exceptions import ApplicationError
from common.queueing import task_queue
from common.types import Actor, Id
from payments import events
from payments.choices import (
    PAYMENT_TRANSITIONS,
    REFUND_HELD_STATUSES,
    REFUND_TRANSITIONS,
    REFUNDABLE_STATUSES,
    PaymentStatus,
    RefundDecision,
    RefundStatus,
    TransactionType,
)
from payments.error_codes import PaymentErrorCode
from payments.models import Payment, Receipt, Refund, RefundApproval
from payments.providers import (
    ChargeDeclined,
    ProviderRecord,
    ProviderUnavailable,
    RefundRequest,
    State,
    get_provider,
)
from payments.services import receipts
from payments.services.ledger import (
    captured_changed,
    disagreement,
    ledger_record,
    payment_locked,
    provider_call,
)

DB = "payments"
CANCELLATION_REASON = "The order was cancelled."
# How long a provider keeps an idempotency key: YooKassa and Stripe keep one 24 hours.
KEY_LIFETIME = timedelta(hours=23)
logger = logging.getLogger(__name__)


def payment_refund(
    *, payment_id: Id, reason: str, amount: Decimal | None = None, user: Actor | None = None
) -> Refund:
    """Staff give back part or all of a captured payment (all that is left when `amount` is
    None): never of their own order, and when the payment's refunds with this one come to
    more than PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE, only once a second staff member approves it (`refund_decide`; the refund waits, its amount
    held). Otherwise at once. While the provider is unavailable the refund fails with a 503,
    and what it reserved is free again."""
    refund = refund_reserve(payment_id=payment_id, reason=reason, amount=amount, user=user)
    if refund.status == RefundStatus.AWAITING_APPROVAL:
        return refund
    return _refund_carry_out(refund)


def refund_decide(*, refund_id: Id, decision: str, reason: str, user: Actor) -> Refund:
    """A second staff member approves (and the refund is carried out) or rejects (and its
    amount is free again) a refund awaiting approval; the one who asked cannot, nor can the
    payer."""
    with transaction.atomic(using=DB):
        payment_id = Refund.objects.using(DB).values_list("payment_id", flat=True).get(pk=refund_id)
        _payable, payment = payment_locked(payment_id)
        refund = Refund.objects.using(DB).select_for_update().get(pk=refund_id)
        target = (
            RefundStatus.PENDING if decision == RefundDecision.APPROVED else RefundStatus.REJECTED
        )
        REFUND_TRANSITIONS.check(refund.status, target)
        ruling = four_eyes.decision_take(
            what=_("order's refund"),
            owner_id=payment.customer_id,
            user=user,
            decision=decision,
            approve=decision == RefundDecision.APPROVED,
            reason=reason,
            amount=refund.amount,
            threshold=settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE,
            earlier=list(refund.decisions.using(DB)),
            total=_given_back(payment),  # this refund's amount is held in it
            filed_by_id=refund.created_by_id,
        )
        RefundApproval.objects.using(DB).create(refund=refund, **ruling.fields)
        if not ruling.final:
            return refund
        REFUND_TRANSITIONS.apply(refund, target)
        refund.save(using=DB, update_fields=["status", "updated_at"])
        receipts.refund_receipt_record(refund)
    if refund.status == RefundStatus.PENDING:
        return _refund_carry_out(refund)
    return refund


def _refund_carry_out(refund: Refund) -> Refund:
    """Carry out a reserved refund at once; see `payment_refund`."""
    try:
        refund = refund_execute(refund_id=refund.pk)
    except (ProviderUnavailable, CircuitBreakerError) as exc:
        unavailable = exc
    else:
        if refund.status == RefundStatus.FAILED:
            raise ApplicationError(
                _("The payment provider refused the refund; nothing was refunded."),
                code=PaymentErrorCode.REFUND_REFUSED,
                status=409,
                details={"refund_id": str(refund.pk)},
            )
        return refund
    # The call failed, but the provider may have refunded before it did: ask before giving up.
    provider = get_provider(refund.payment.provider)
    try:
        held = provider_call(provider.refund_lookup, refund_request(refund), "")
    except ChargeDeclined:
        held = None
    except (ProviderUnavailable, CircuitBreakerError):
        raise ApplicationError(
            _(
                "The payment provider is unavailable. The refund is pending and will be "
                "carried out when the provider is back; do not request it again."
            ),
            code=PaymentErrorCode.PROVIDER_UNAVAILABLE,
            status=503,
            details={"refund_id": str(refund.pk)},
        ) from unavailable
    if held is not None:
        return refund_settle(refund_id=refund.pk, held=held)
    _refund_fail(refund.pk)
    raise ApplicationError(
        _("The payment provider is unavailable; try the refund again later."),
        code=PaymentErrorCode.PROVIDER_UNAVAILABLE,
        status=503,
    ) from unavailable


# RESERVE
# ------------------------------------------------------------------------------
def _given_back(payment: Payment) -> Decimal:
    """What the payment has refunded, and holds for refunds under way or awaiting approval."""
    held = payment.refunds.filter(status__in=REFUND_HELD_STATUSES)
    in_flight = held.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return payment.refunded_amount + in_flight


def _remaining(payment: Payment) -> Decimal:
    return payment.amount - _given_back(payment)


def refund_reserve(
    *,
    payment_id: Id,
    reason: str,
    amount: Decimal | None = None,
    user: Actor | None = None,
    refund_id: Id | None = None,
) -> Refund:
    """Step one: a pending refund, committed before the provider hears of it. `user` is None
    when the system refunds (a saga); staff may not refund their own payment, and a refund
    they ask for that takes what the payment gives back in all above
    PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE awaits a second staff member's approval. A retried
    caller passes the same `refund_id`."""
    with transaction.atomic(using=DB):
        _payable, payment = payment_locked(payment_id)
        if refund_id is not None and (known := Refund.objects.using(DB).filter(pk=refund_id)):
            return known.get()
        if user is not None and user.pk == payment.customer_id:
            raise four_eyes.own_record_refused(_("order's refund"))
        if payment.status not in REFUNDABLE_STATUSES:
            raise ApplicationError(
                _("A %(status)s payment cannot be refunded.")
                % {"status": PaymentStatus(payment.status).label.lower()},
                code=PaymentErrorCode.PAYMENT_NOT_REFUNDABLE,
                status=409,
            )
        given_back = _given_back(payment)
        remaining = payment.amount - given_back
        amount = remaining if amount is None else amount
        if not Decimal("0") < amount <= remaining:
            raise ApplicationError(
                _("At most %(remaining)s %(currency)s can still be refunded.")
                % {"remaining": remaining, "currency": payment.currency},
                code=PaymentErrorCode.REFUND_EXCEEDS_CAPTURED,
                status=409,
                details={"amount": [_("At most %s.") % remaining]},
            )
        # The threshold guards what the payment gives back in all, this refund with the ones
        # before it: refunds split under it still need the second staff member.
        above = (
            user is not None
            and given_back + amount > settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE
        )
        refund = Refund.objects.using(DB).create(
            id=refund_id or uuid.uuid4(),
            payment=payment,
            amount=amount,
            reason=reason,
            created_by_id=getattr(user, "pk", None),
            status=RefundStatus.AWAITING_APPROVAL if above else RefundStatus.PENDING,
        )
        receipts.refund_receipt_record(refund)
        if above and user is not None:  # the request is the first approval
            RefundApproval.objects.using(DB).create(
                refund=refund,
                decided_by_id=user.pk,
                decision=RefundDecision.APPROVED,
                reason=reason,
                amount=amount,
                final=False,
            )
        return refund


def cancellation_refund_reserve(
    payment: Payment, *, amount: Decimal | None = None, reason: str = CANCELLATION_REASON
) -> Refund | None:
    """Reserve the refund of all a payment still holds (or of at most `amount` of it) because
    its payable was cancelled, and carry it out after the commit. The refund id is the same
    on every attempt, so that the provider refunds once. Call inside the transaction that
    holds the payable's lock."""
    remaining = _remaining(payment)
    if remaining <= 0:
        return None
    refund = refund_reserve(
        payment_id=payment.pk,
        reason=reason,
        amount=None if amount is None else min(amount, remaining),
        refund_id=uuid.uuid5(uuid.NAMESPACE_URL, f"order-cancelled:{payment.pk}"),
    )
    if refund.status == RefundStatus.PENDING:
        transaction.on_commit(lambda: _enqueue(refund.pk), using=DB, robust=True)
    return refund


def _enqueue(refund_id: Id) -> None:
    task_queue("payments.tasks.refund_process_task", str(refund_id))


# CALL AND SETTLE
# ------------------------------------------------------------------------------
def refund_execute(*, refund_id: Id) -> Refund:
    """Steps two and three for a pending refund: ask the provider, outside any transaction,
    then settle. Provider outages propagate and leave the refund pending; a refund the
    provider refuses fails, and what it reserved is free again."""
    refund = Refund.objects.using(DB).select_related("payment").get(pk=refund_id)
    if not REFUND_TRANSITIONS.allows(refund.status, RefundStatus.COMPLETED):
        return refund
    if not refund.provider_reference and timezone.now() - refund.created_at > KEY_LIFETIME:
        # Its create may have reached the provider, whose key has expired since: sending it
        # again could refund twice. An operator looks it up at the provider.
        logger.error("Refund %s is pending past the provider's key lifetime", refund.pk)
        return refund
    provider = get_provider(refund.payment.provider)
    request = refund_request(refund)
    try:
        # A retry (after a crash, say) asks first what an earlier attempt did.
        held = provider_call(provider.refund_lookup, request, refund.provider_reference)
        if held is None:
            held = provider_call(provider.refund, request)
    except ChargeDeclined as exc:
        logger.error("Refund %s refused by the provider: %s", refund.pk, exc)
        _refund_fail(refund.pk)
        return Refund.objects.using(DB).get(pk=refund.pk)
    return refund_settle(refund_id=refund.pk, held=held)


def refund_request(refund: Refund) -> RefundRequest:
    return RefundRequest(
        refund_id=str(refund.pk),
        charge_reference=refund.payment.provider_reference,
        amount=refund.amount,
        currency=refund.payment.currency,
        receipt=receipts.refund_receipt(refund),
    )


def refund_settle(*, refund_id: Id, held: ProviderRecord) -> Refund:
    """Bring a pending refund to where the provider's record of it says it is, once:
    completed, failed (what it reserved is free again), or pending while the provider is
    still deciding. A record that is not this refund's is logged and changes nothing."""
    refund = Refund.objects.using(DB).select_related("payment").get(pk=refund_id)
    reason = disagreement(
        held, ours=refund.pk, amount=refund.amount, currency=refund.payment.currency
    )
    if reason:
        logger.error("Refund %s not settled: %s", refund.pk, reason)
        return refund
    receipts.registration_note(Receipt.objects.using(DB).filter(refund=refund), held)
    if held.state is State.SUCCEEDED:
        return _refund_complete(refund_id=refund.pk, reference=held.reference)
    if held.state is State.FAILED:
        _refund_fail(refund.pk)
    elif held.reference and not refund.provider_reference:
        Refund.objects.using(DB).filter(pk=refund.pk).update(provider_reference=held.reference)
    return Refund.objects.using(DB).get(pk=refund.pk)


def _refund_complete(*, refund_id: Id, reference: str) -> Refund:
    with transaction.atomic(using=DB):
        payment_id = Refund.objects.using(DB).values_list("payment_id", flat=True).get(pk=refund_id)
        payable, payment = payment_locked(payment_id)
        refund = Refund.objects.using(DB).select_for_update().get(pk=refund_id)
        if not REFUND_TRANSITIONS.allows(refund.status, RefundStatus.COMPLETED):
            return refund
        REFUND_TRANSITIONS.apply(refund, RefundStatus.COMPLETED)
        refund.provider_reference = reference
        refund.save(using=DB, update_fields=["status", "provider_reference", "updated_at"])
        payment.refunded_amount += refund.amount
        PAYMENT_TRANSITIONS.apply(
            payment,
            PaymentStatus.REFUNDED
            if payment.refunded_amount == payment.amount
            else PaymentStatus.PARTIALLY_REFUNDED,
        )
        payment.save(using=DB, update_fields=["refunded_amount", "status", "updated_at"])
        ledger_record(payment, TransactionType.REFUND, -refund.amount, reference=reference)
        events.PAYMENT_REFUNDED.emit(
            aggregate_id=payment.pk,
            payload={
                **events.payment_payload(payment, payable),
                **captured_changed(payable),
                "refund_amount": str(refund.amount),
            },
        )
    return refund


def _refund_fail(refund_id: Id) -> None:
    with transaction.atomic(using=DB):
        refund = Refund.objects.using(DB).select_for_update().get(pk=refund_id)
        if REFUND_TRANSITIONS.allows(refund.status, RefundStatus.FAILED):
            REFUND_TRANSITIONS.apply(refund, RefundStatus.FAILED)
            refund.save(using=DB, update_fields=["status", "updated_at"])


def refunds_pending_complete(*, older_than: timedelta) -> int:
    """Carry out refunds left pending by a crash or an outage: the provider, idempotent on
    the refund id, refunds at most once. Returns how many were completed."""
    stuck = Refund.objects.using(DB).filter(
        status=RefundStatus.PENDING, created_at__lt=timezone.now() - older_than
    )
    completed = 0
    for refund_id in list(stuck.values_list("pk", flat=True)):
        try:
            refund = refund_execute(refund_id=refund_id)
        except (ProviderUnavailable, CircuitBreakerError):
            logger.warning("Refund %s still pending: the provider is unavailable", refund_id)
            continue
        completed += refund.status == RefundStatus.COMPLETED
    return completed
