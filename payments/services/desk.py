"""Payments the dealership's own cash desk took, as its accounting (1C) reports them
(docs/1c.md, "Payments"): a source of money of its own kind, one per document of 1C's. Up to
PAYMENTS_DESK_SECOND_APPROVAL_ABOVE it enters the ledger at once, as a disbursement recorded
by hand does; above it, once two staff members approve it (four eyes, docs/deal.md "Who
decides"). Never past what the order owes."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError, NotFound
from common.types import Actor, Id
from orders.choices import OrderStatus
from orders.selectors import exchange as orders_exchange
from payments import events
from payments.choices import (
    DESK_PAYMENT_TRANSITIONS,
    DeskPaymentStatus,
    PayableKind,
    RefundDecision,
    TransactionType,
)
from payments.error_codes import PaymentErrorCode
from payments.models import DeskPayment, DeskPaymentDecision, LedgerTransaction, Payable
from payments.services.ledger import captured_changed, payable_locked
from payments.services.payables import _order_payable_locked, _order_total_locked
from payments.services.payments import _check_balance

DB = "payments"


def desk_payment_record(
    *, source: str, document_number: str, order_id: Id, amount: Decimal, paid_on: date | None
) -> tuple[DeskPayment, bool]:
    """Record the accounting's payment `document_number` of `order_id`; the same document
    again is the same payment (False), and one naming another order or amount is refused."""
    with transaction.atomic(using=DB):
        order = orders_exchange.order_for_exchange(order_id=order_id)
        if order is None:
            raise NotFound
        payable = _order_payable_locked(
            order.id, customer_id=order.customer_id, currency=order.currency
        )
        known = (
            DeskPayment.objects.using(DB)
            .filter(source=source, document_number=document_number)
            .first()
        )
        if known is not None:
            if (known.order_id, known.amount) != (order.id, amount):
                raise ApplicationError(
                    _("This document of the accounting's is recorded for another payment."),
                    code=PaymentErrorCode.DESK_DOCUMENT_TAKEN,
                    status=409,
                )
            return known, False
        _order_total_locked(payable)
        _check_balance(
            payable, amount, closed="cancelled" if order.status == OrderStatus.CANCELLED else None
        )
        above = amount > settings.PAYMENTS_DESK_SECOND_APPROVAL_ABOVE
        desk = DeskPayment.objects.using(DB).create(
            source=source,
            document_number=document_number,
            paid_on=paid_on,
            order_id=order.id,
            customer_id=order.customer_id,
            amount=amount,
            currency=order.currency,
            status=DeskPaymentStatus.AWAITING_APPROVAL if above else DeskPaymentStatus.RECORDED,
        )
        if not above:
            _ledger(desk, payable)
    return desk, True


def desk_payment_decide(
    *, desk_payment_id: Id, decision: str, reason: str, user: Actor
) -> DeskPayment:
    """A staff member's approval or rejection of a desk payment awaiting approval: the
    second approval of the same amount records it, if the order still owes it."""
    with transaction.atomic(using=DB):
        order_id = (
            DeskPayment.objects.using(DB).values_list("order_id", flat=True).get(pk=desk_payment_id)
        )
        payable = payable_locked(order_id)
        desk = DeskPayment.objects.using(DB).select_for_update().get(pk=desk_payment_id)
        approve = decision == RefundDecision.APPROVED
        target = DeskPaymentStatus.RECORDED if approve else DeskPaymentStatus.REJECTED
        DESK_PAYMENT_TRANSITIONS.check(desk.status, target)
        ruling = four_eyes.decision_take(
            what=_("cash desk payment"),
            owner_id=desk.customer_id,
            user=user,
            decision=decision,
            approve=approve,
            reason=reason,
            amount=desk.amount,
            threshold=settings.PAYMENTS_DESK_SECOND_APPROVAL_ABOVE,
            earlier=list(desk.decisions.using(DB)),
        )
        DeskPaymentDecision.objects.using(DB).create(desk_payment=desk, **ruling.fields)
        if not ruling.final:
            return desk
        if approve:
            _order_total_locked(payable)
            _check_balance(payable, desk.amount)
        DESK_PAYMENT_TRANSITIONS.apply(desk, target)
        desk.save(using=DB, update_fields=["status", "updated_at"])
        if approve:
            _ledger(desk, payable)
    return desk


def _ledger(desk: DeskPayment, payable: Payable) -> None:
    """The desk's money in the ledger, and the order told what it has received."""
    row = LedgerTransaction.objects.using(DB).create(
        payable_id=desk.order_id,
        payable_kind=PayableKind.ORDER,
        customer_id=desk.customer_id,
        type=TransactionType.DESK_PAYMENT,
        amount=desk.amount,
        currency=desk.currency,
        provider_reference=f"{desk.source}:{desk.document_number}"[:100],
        desk_payment=desk,
    )
    events.LEDGER_DESK_RECORDED.emit(
        aggregate_id=row.pk,
        payload={
            **events.desk_payload(row, payable, desk.document_number),
            **captured_changed(payable),
        },
    )
