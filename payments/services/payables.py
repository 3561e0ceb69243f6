"""Payables other domains own (a seat, a premium) as their events report them, and the
lender's money and the trade-in's credit against an order (docs/deal.md, docs/tradein.md)."""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Protocol

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.payables import payable_report
from common.types import Actor, Id
from orders import selectors as orders_selectors
from payments import events
from payments.choices import PayableKind, TransactionType
from payments.error_codes import PaymentErrorCode
from payments.models import LedgerTransaction, Payable, Refund
from payments.selectors import received
from payments.services import refunds
from payments.services.cancellation import _captured_of_cancelled, payable_settle_cancelled
from payments.services.ledger import captured_changed, payable_locked, showroom_of

DB = "payments"


# PAYABLES OTHER DOMAINS OWN
# ------------------------------------------------------------------------------
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
            "showroom_id": showroom_of(order_id),
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
            "showroom_id": showroom_of(order_id),
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
    changes with it, and `payment.loan_recorded` reports it. None when already recorded.

    Money that would take what the order has received past its total (the order paid by
    other money meanwhile) is not the buyer's: it is held as a `loan_overpayment`, which
    counts in nothing the order has received, `payment.loan_overpayment_held` says so, and
    its return (`loan_return` from financing, once staff decided it) is a
    `loan_overpayment_return` (docs/deal.md, "Never paid past the total")."""
    with transaction.atomic(using=DB):
        payable = _order_payable_locked(order_id, customer_id=customer_id, currency=currency)
        loan_rows = LedgerTransaction.objects.using(DB).filter(loan_application_id=application_id)
        held = loan_rows.filter(type=TransactionType.LOAN_OVERPAYMENT).exists()
        if type == TransactionType.LOAN_DISBURSEMENT and held:
            return None
        if type == TransactionType.LOAN_RETURN and held:
            type = TransactionType.LOAN_OVERPAYMENT_RETURN
        if loan_rows.filter(type=type).exists():
            return None
        total = _order_total_locked(payable)
        if type == TransactionType.LOAN_DISBURSEMENT and received(order_id) + amount > total:
            type = TransactionType.LOAN_OVERPAYMENT
        signed = amount if type in _LENDERS_MONEY_IN else -amount
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
        if type == TransactionType.LOAN_OVERPAYMENT:
            events.LEDGER_LOAN_OVERPAYMENT_HELD.emit(
                aggregate_id=row.pk,
                payload={
                    **events.loan_payload(row, payable),
                    "order_total": str(total),
                    "payable_paid_amount": str(received(order_id)),
                },
            )
        elif type != TransactionType.LOAN_OVERPAYMENT_RETURN:
            events.LEDGER_LOAN_RECORDED.emit(
                aggregate_id=row.pk,
                payload={**events.loan_payload(row, payable), **captured_changed(payable)},
            )
    return row


# The lender's money coming in: a disbursement, or one held because it would overpay.
_LENDERS_MONEY_IN = (TransactionType.LOAN_DISBURSEMENT, TransactionType.LOAN_OVERPAYMENT)


def _order_total_locked(payable: Payable) -> Decimal:
    """The order's total as orders has it now (a loan's discount or a line changed since
    payments last saw it), noted on its payable, whose lock the caller holds."""
    total = orders_selectors.order_total(order_id=payable.payable_id)
    if total is not None and total != payable.total_amount:
        payable.total_amount = total
        payable.save(using=DB, update_fields=["total_amount", "updated_at"])
    return payable.total_amount


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
