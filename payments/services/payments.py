"""Payments: created against what an order still owes, charged by Celery through the
provider, completed or failed once, and settled when their order is cancelled."""

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import idempotency
from common.exceptions import ApplicationError
from common.payables import payable_report
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
from payments.models import LedgerTransaction, Payable, Payment, PaymentIdempotencyKey, Refund
from payments.providers import (
    ChargeDeclined,
    ChargeRequest,
    ProviderRecord,
    State,
    get_provider,
)
from payments.services import receipts, refunds
from payments.services.ledger import (
    captured_changed,
    credits_received,
    disagreement,
    ledger_record,
    payable_locked,
    payment_locked,
    provider_call,
)

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
    description: str = "",
    payment_method_id: Id | None = None,
    idempotency_key: str,
) -> tuple[Payment, bool]:
    """Create a pending payment of a payable: an order, a seat at a paid event or a policy's
    premium (exactly one of the three ids); `payment.created` has Celery process it. Returns
    (payment, created): the same key and request return the first payment
    (`common.idempotency.run_once`)."""

    def create() -> uuid.UUID:
        if payment_method_id is not None:  # only one's own saved card
            selectors.payment_method_get(user=user, method_id=payment_method_id)
        if order_id is not None:
            order = orders_selectors.order_view_get(user=user, order_id=order_id)
            payable = _payable_order_locked(order)
            pending = order.status is OrderStatus.PENDING
            held = _check_balance(payable, amount, closed=None if pending else order.status)
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


# What a payer is told of a payable payments learnt of from its owner's events.
_NOT_FOUND = {
    PayableKind.REGISTRATION: (
        _("There is no registration of yours waiting for payment."),
        PaymentErrorCode.REGISTRATION_NOT_FOUND,
    ),
    PayableKind.POLICY: (
        _("There is no policy of yours waiting for its premium."),
        PaymentErrorCode.POLICY_NOT_FOUND,
    ),
}


def _payable_noted_locked(user: Actor, kind: PayableKind, payable_id: Id | None) -> Payable:
    """A seat or a premium held for payment, as payments learnt of it from its owner's
    events; the payer's own (or anyone's, for staff), locked."""
    payable = None
    if payable_id is not None:  # None: neither id was given, so there is no such payable
        payable = _payable_noted(kind, payable_id) or _payable_asked(kind, payable_id)
    if payable is None or (payable.customer_id != user.pk and not user.is_staff):
        message, code = _NOT_FOUND[kind]
        raise ApplicationError(message, code=code, status=404)
    return payable


def _payable_noted(kind: PayableKind, payable_id: Id) -> Payable | None:
    return (
        Payable.objects.using(DB)
        .select_for_update()
        .filter(payable_id=payable_id, payable_kind=kind)
        .first()
    )


def _payable_asked(kind: PayableKind, payable_id: Id) -> Payable | None:
    """A payable whose owner's event has not arrived yet: the owner is asked what it would
    report (common/payables.py) and that is noted as the event would note it, so that a
    premium or a seat paid as soon as it is bought is never a 404. Its event, arriving
    later, changes nothing (`payable_note` notes once)."""
    report = payable_report(kind, payable_id)
    if report is None:
        return None
    as_reported = SimpleNamespace(**report)
    if kind == PayableKind.POLICY:
        policy_reported(as_reported)
    else:
        registration_reported(as_reported)
    return _payable_noted(kind, payable_id)


class RegistrationReport(Protocol):
    """What the showroom's registration events say (`event.registration.*`)."""

    @property
    def id(self) -> str: ...

    @property
    def user_id(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def amount(self) -> str | None: ...

    @property
    def currency(self) -> str: ...


class PolicyReport(Protocol):
    """What insurance's policy events say (`insurance_policy.purchased`, `.lapsed`)."""

    @property
    def id(self) -> str: ...

    @property
    def order_id(self) -> str: ...

    @property
    def customer_id(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def premium(self) -> str: ...

    @property
    def currency(self) -> str: ...


def registration_reported(report: RegistrationReport) -> None:
    """A registration as the showroom reports it (its event, or its owner asked)."""
    registration_payable_note(
        registration_id=report.id,
        customer_id=report.user_id,
        status=report.status,
        amount=report.amount,
        currency=report.currency,
    )


def policy_reported(report: PolicyReport) -> None:
    """A policy as insurance reports it (its event, or its owner asked)."""
    policy_payable_note(
        policy_id=report.id,
        order_id=report.order_id,
        customer_id=report.customer_id,
        status=report.status,
        premium=report.premium,
        currency=report.currency,
    )


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


# PAYABLES OTHER DOMAINS OWN
# ------------------------------------------------------------------------------
def payable_note(
    *,
    kind: PayableKind,
    payable_id: Id,
    customer_id: Id,
    amount: Decimal,
    currency: str,
    order_id: Id | None = None,
) -> Payable:
    """A seat or a premium held for payment, as its owner's event reports it: payable from
    now on (once; a repeated report changes nothing)."""
    payable, _created = Payable.objects.using(DB).get_or_create(
        payable_id=payable_id,
        defaults={
            "payable_kind": kind,
            "order_id": order_id,
            "customer_id": customer_id,
            "total_amount": amount,
            "currency": currency,
        },
    )
    return payable


def registration_payable_note(
    *, registration_id: Id, customer_id: Id, status: str, amount: str | None, currency: str
) -> None:
    """What the showroom reports of a registration at a paid event: a seat held for payment
    becomes payable; a seat given up or expired is settled as a cancelled order is (nothing
    more charged, what was captured refunded, once)."""
    if amount is None:
        return  # a free event: nothing is owed
    if status == "pending_payment":
        payable_note(
            kind=PayableKind.REGISTRATION,
            payable_id=registration_id,
            customer_id=customer_id,
            currency=currency,
            amount=Decimal(amount),
        )
    elif status in ("cancelled", "expired"):
        payable_settle_cancelled(
            kind=PayableKind.REGISTRATION,
            payable_id=registration_id,
            customer_id=customer_id,
            currency=currency,
            total_amount=Decimal(amount),
        )


def policy_payable_note(
    *, policy_id: Id, order_id: Id, customer_id: Id, status: str, premium: str, currency: str
) -> None:
    """What insurance reports of a policy: bought, its premium is payable; lapsed unpaid, it
    is settled as a cancelled order is. A paid policy that is cancelled is refunded pro rata
    by `policy_premium_refund`, not here."""
    if status == "pending_payment":
        payable_note(
            kind=PayableKind.POLICY,
            payable_id=policy_id,
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            amount=Decimal(premium),
        )
    elif status == "lapsed":
        payable_settle_cancelled(
            kind=PayableKind.POLICY,
            payable_id=policy_id,
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            total_amount=Decimal(premium),
        )


def policy_premium_refund(*, policy_id: Id, amount: Decimal, reason: str) -> list[Refund]:
    """A paid policy was cancelled: the unused premium, `amount` as insurance priced it, goes
    back through the premium's own payments (newest first), each refund reserved here and
    carried out after the commit, once however often the cancellation is reported."""
    with transaction.atomic(using=DB):
        reserved: list[Refund] = []
        left = amount
        for payment in _captured_of_cancelled(policy_id).order_by("-created_at"):
            if left <= 0:
                break
            refund = refunds.cancellation_refund_reserve(payment, amount=left, reason=reason)
            if refund is not None:
                reserved.append(refund)
                left -= refund.amount
    return reserved


# THE LENDER'S MONEY
# ------------------------------------------------------------------------------
def _order_payable_locked(order_id: Id, *, customer_id: Id, currency: str) -> Payable:
    """The order's payable, locked; made from a report when payments has not seen the order
    yet (its total is brought up to date from the order when it is first paid)."""
    Payable.objects.using(DB).get_or_create(
        payable_id=order_id,
        defaults={
            "payable_kind": PayableKind.ORDER,
            "order_id": order_id,
            "customer_id": customer_id,
            "total_amount": Decimal("0.00"),
            "currency": currency,
        },
    )
    return payable_locked(order_id)


def order_financing_note(
    *,
    order_id: Id,
    application_id: Id,
    customer_id: Id,
    status: str,
    amount: Decimal,
    currency: str,
    reported_at: datetime,
) -> None:
    """What financing reports of an order's loan: while an approved loan is to pay the rest,
    the customer's payments may cover only what it leaves (`_check_balance`). A report older
    than the one applied (an approval delivered after its withdrawal) changes nothing."""
    with transaction.atomic(using=DB):
        payable = _order_payable_locked(order_id, customer_id=customer_id, currency=currency)
        if payable.financed_as_of is not None and reported_at <= payable.financed_as_of:
            return
        recorded = LedgerTransaction.objects.using(DB).filter(loan_application_id=application_id)
        financed = status == "approved" and not recorded.exists()
        payable.financed_amount = amount if financed else Decimal("0.00")
        payable.financed_as_of = reported_at
        payable.save(using=DB, update_fields=["financed_amount", "financed_as_of", "updated_at"])


def loan_record(
    *,
    order_id: Id,
    application_id: Id,
    customer_id: Id,
    type: TransactionType,
    amount: Decimal,
    currency: str,
    reference: str,
) -> LedgerTransaction | None:
    """Record the lender's money against the order, once per loan and direction: what it
    disbursed (positive) or what went back to it (negative). The order's received amount
    changes with it, and `payment.loan_recorded` reports it. None when already recorded."""
    with transaction.atomic(using=DB):
        payable = _order_payable_locked(order_id, customer_id=customer_id, currency=currency)
        if (
            LedgerTransaction.objects.using(DB)
            .filter(loan_application_id=application_id, type=type)
            .exists()
        ):
            return None
        signed = amount if type == TransactionType.LOAN_DISBURSEMENT else -amount
        row = LedgerTransaction.objects.using(DB).create(
            payable_id=order_id,
            payable_kind=PayableKind.ORDER,
            loan_application_id=application_id,
            customer_id=customer_id,
            type=type,
            amount=signed,
            currency=currency,
            provider_reference=reference[:100],
        )
        payable.financed_amount = Decimal("0.00")
        payable.save(using=DB, update_fields=["financed_amount", "updated_at"])
        events.LEDGER_LOAN_RECORDED.emit(
            aggregate_id=row.pk,
            payload={**events.loan_payload(row, payable), **captured_changed(payable)},
        )
    return row


# TRADE-INS (docs/tradein.md)
# ------------------------------------------------------------------------------
def trade_in_note(
    *,
    order_id: Id,
    trade_in_id: Id,
    customer_id: Id,
    status: str,
    amount: Decimal | None,
    currency: str,
    reported_at: datetime,
) -> LedgerTransaction | None:
    """What the trade-in domain reports of an order's old car. Accepted, its amount is a
    credit the order expects (customers pay only what it leaves). Inspected, the credit is
    final: a `trade_in_credit` ledger row, once, and the order's received amount grows by
    it. Anything else (offered again lower, declined, expired, withdrawn), the order expects
    none. A report older than the one applied changes nothing. Returns the row it recorded."""
    with transaction.atomic(using=DB):
        payable = _order_payable_locked(order_id, customer_id=customer_id, currency=currency)
        if payable.trade_in_as_of is not None and reported_at <= payable.trade_in_as_of:
            return None
        payable.trade_in_as_of = reported_at
        recorded = LedgerTransaction.objects.using(DB).filter(trade_in_id=trade_in_id)
        row = None
        if status == "inspected" and amount and not recorded.exists():
            row = LedgerTransaction.objects.using(DB).create(
                payable_id=order_id,
                payable_kind=PayableKind.ORDER,
                trade_in_id=trade_in_id,
                customer_id=customer_id,
                type=TransactionType.TRADE_IN_CREDIT,
                amount=amount,
                currency=currency,
                provider_reference=f"trade-in-{trade_in_id}"[:100],
            )
        expected = status == "accepted" and amount and not recorded.exists()
        payable.trade_in_amount = amount if expected and amount else Decimal("0.00")
        payable.save(using=DB, update_fields=["trade_in_amount", "trade_in_as_of", "updated_at"])
        if row is not None:
            events.LEDGER_TRADE_IN_RECORDED.emit(
                aggregate_id=row.pk,
                payload={
                    **events.trade_in_credit_payload(row, payable),
                    **captured_changed(payable),
                },
            )
    return row
