"""Reads of the payments domain, scoped to who asks."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError, NotFound
from common.types import Actor, Id
from payments.choices import VAT_RATES, PaymentMode, ReceiptKind, vat_rate_label
from payments.error_codes import PaymentErrorCode
from payments.models import (
    LedgerTransaction,
    Payable,
    Payment,
    Receipt,
    Refund,
    SavedPaymentMethod,
)


def payment_list(*, user: Actor) -> QuerySet[Payment]:
    payments = Payment.objects.all()
    return payments if user.is_staff else payments.filter(customer_id=user.pk)


def payment_status_public(*, payment_id: Id) -> str | None:
    """A payment's status alone, for the return page anyone holding its link may load; None
    for no such payment."""
    return Payment.objects.filter(pk=payment_id).values_list("status", flat=True).first()


def payment_get(*, user: Actor, payment_id: Id) -> Payment:
    """Another client's payment is a 404, like a missing one."""
    payment = payment_list(user=user).filter(pk=payment_id).first()
    if payment is None:
        raise NotFound
    return payment


def receipt_list(*, user: Actor, payment_id: Id) -> QuerySet[Receipt]:
    """A payment's fiscal receipts: its own and its refunds', and the settlement that closed
    its payable's prepayments, this one's among them."""
    payment = payment_get(user=user, payment_id=payment_id)
    return Receipt.objects.filter(
        Q(payment=payment) | Q(payable_id=payment.payable_id, kind=ReceiptKind.SETTLEMENT)
    ).order_by("created_at")


@dataclass(frozen=True)
class ReceiptLineView:
    description: str
    quantity: int
    price: Decimal
    amount: Decimal
    mode: str  # PaymentMode's label: what the line settles
    vat_rate: str  # VAT_RATES' label
    vat: Decimal | None  # the VAT in the amount; None with no VAT


@dataclass(frozen=True)
class ReceiptView:
    """A fiscal receipt as a person reads it: its lines priced, their VAT worked out."""

    receipt: Receipt
    lines: list[ReceiptLineView]

    @property
    def vat(self) -> Decimal:
        return sum((line.vat or Decimal(0) for line in self.lines), Decimal(0))


def _line_view(line: dict[str, Any]) -> ReceiptLineView:
    price, quantity = Decimal(line["price"]), int(line["quantity"])
    amount = price * quantity
    rate = VAT_RATES.get(int(line["vat_code"]), (None, ""))[0]
    vat = (amount * rate / (100 + rate)).quantize(Decimal("0.01")) if rate is not None else None
    return ReceiptLineView(
        line["description"], quantity, price, amount, str(PaymentMode(line["payment_mode"]).label),
        vat_rate_label(line["vat_code"]), vat,
    )  # fmt: skip


def receipts_shown(*, user: Actor, payment_id: Id) -> list[ReceiptView]:
    """A payment's receipts (`receipt_list`) for its payer's page: another's is a 404."""
    return [
        ReceiptView(receipt, [_line_view(line) for line in receipt.lines])
        for receipt in receipt_list(user=user, payment_id=payment_id)
    ]


def receipts_exist(*, payment_id: Id) -> bool:
    """Whether the payment carries a fiscal receipt (notifications link to it)."""
    return Receipt.objects.filter(payment_id=payment_id).exists()


def payable_trade_in_expected(*, order_id: Id) -> Decimal:
    """The accepted trade-in's credit an order expects, until its inspection records it."""
    found = Payable.objects.filter(payable_id=order_id).values_list("trade_in_amount", flat=True)
    return found.first() or Decimal("0.00")


def refund_get(*, user: Actor, refund_id: Id) -> Refund:
    """Refunds are staff's to decide; another's is a 404, like a missing one."""
    refund = Refund.objects.filter(pk=refund_id, payment__in=payment_list(user=user)).first()
    if refund is None:
        raise ApplicationError(
            _("There is no such refund."), code=PaymentErrorCode.REFUND_NOT_FOUND, status=404
        )
    return refund


def ledger_list(*, user: Actor) -> QuerySet[LedgerTransaction]:
    rows = LedgerTransaction.objects.all()
    return rows if user.is_staff else rows.filter(customer_id=user.pk)


def payment_method_list(*, user: Actor) -> QuerySet[SavedPaymentMethod]:
    """Saved cards are their owner's alone, staff included."""
    return SavedPaymentMethod.objects.filter(owner_id=user.pk)


def payment_method_get(*, user: Actor, method_id: Id) -> SavedPaymentMethod:
    method = payment_method_list(user=user).filter(pk=method_id).first()
    if method is None:
        raise NotFound
    return method
