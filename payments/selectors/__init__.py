"""Reads of the payments domain, scoped to who asks."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db.models import F, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError, NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from payments.choices import (
    CAPTURED_STATUSES,
    VAT_RATES,
    PaymentMode,
    ReceiptKind,
    TransactionType,
    vat_rate_label,
)
from payments.error_codes import PaymentErrorCode
from payments.models import (
    LedgerTransaction,
    Payable,
    Payment,
    Receipt,
    Refund,
    SavedPaymentMethod,
)

DB = "payments"
_Row = TypeVar("_Row", bound=Model)


def with_showroom(rows: QuerySet[_Row], *, payable: str = "payable_id") -> QuerySet[_Row]:
    """`rows` (payments, refunds, receipts, ledger rows) with their payable's showroom as
    `payable_showroom_id`: the showroom they belong to (docs/showrooms.md)."""
    showroom = Payable.objects.filter(payable_id=OuterRef(payable)).values("showroom_id")[:1]
    # The stubs type an annotated queryset as of another model: it is of the same.
    return cast(QuerySet[_Row], rows.annotate(payable_showroom_id=Subquery(showroom)))


def _visible(user: Actor, rows: QuerySet[_Row]) -> QuerySet[_Row]:
    """A client's own, a member of staff's of their showrooms (common.showrooms)."""
    if not user.is_staff:
        return visible_to(user, rows)
    return visible_to(user, with_showroom(rows), showroom="payable_showroom_id")


def payment_list(*, user: Actor) -> QuerySet[Payment]:
    return _visible(user, Payment.objects.all())


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
    return _visible(user, LedgerTransaction.objects.all())


def payment_method_list(*, user: Actor) -> QuerySet[SavedPaymentMethod]:
    """Saved cards are their owner's alone, staff included."""
    return SavedPaymentMethod.objects.filter(owner_id=user.pk)


def payment_method_get(*, user: Actor, method_id: Id) -> SavedPaymentMethod:
    method = payment_method_list(user=user).filter(pk=method_id).first()
    if method is None:
        raise NotFound
    return method


# What a payable receives other than its payments: the lender's money, a trade-in's credit
# and what the dealership's cash desk took (docs/1c.md, "Payments").
CREDIT_TYPES = (
    TransactionType.LOAN_DISBURSEMENT,
    TransactionType.LOAN_RETURN,
    TransactionType.TRADE_IN_CREDIT,
    TransactionType.DESK_PAYMENT,
)


def credits_received(payable_id: Id) -> Decimal:
    """What the payable holds other than its payments: the lender's money (disbursed, less
    returned) and a trade-in's credit."""
    rows = LedgerTransaction.objects.using(DB).filter(payable_id=payable_id, type__in=CREDIT_TYPES)
    total: Decimal | None = rows.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def received(payable_id: Id) -> Decimal:
    """What the payable holds: its captured payments net of refunds, the lender's
    disbursements net of returns, and a trade-in's credit; a lender's overpayment held to
    return is not in it (docs/deal.md, "Never paid past the total"). What financing checks a
    loan against before it lets the loan pay the order."""
    paid: Decimal | None = (
        Payment.objects.using(DB)
        .filter(payable_id=payable_id, status__in=CAPTURED_STATUSES)
        .aggregate(paid=Sum(F("amount") - F("refunded_amount")))["paid"]
    )
    return (paid or Decimal("0.00")) + credits_received(payable_id)
