"""Fiscal receipts (54-FZ, docs/payments.md "Fiscal receipts"). Every payment and refund
taken through a fiscal provider carries a receipt, recorded in the same transaction as the
payment or refund and sent with its charge or refund. The handover of an order's goods
closes what its payments prepaid with a settlement receipt, registered on its own: reserve
(commit), ask the provider, record, like every other call to it."""

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import pgettext

from accounts import selectors as accounts_selectors
from common.money import CENT
from common.sellers import seller_of
from common.types import Id
from orders import selectors as orders_selectors
from payments.choices import (
    CAPTURED_STATUSES,
    RECEIPT_TRANSITIONS,
    PayableKind,
    PaymentMode,
    PaymentSubject,
    ReceiptItemKind,
    ReceiptKind,
    ReceiptStatus,
    RefundStatus,
)
from payments.models import Payable, Payment, Receipt, Refund
from payments.providers import (
    FISCAL_PROVIDERS,
    ProviderRecord,
    ReceiptLine,
    ReceiptRequest,
    get_provider,
)
from payments.services.ledger import provider_call
from payments.services.work_orders import work_order_report

DB = "payments"
logger = logging.getLogger(__name__)
# A fiscal document is in the state's language, whatever the customer's.
FISCAL_LANGUAGE = "ru"
# The computed rate a prepayment is taxed at, for each full rate's code: 22% → 22/122,
# 20% → 20/120, 10% → 10/110, 7% → 7/107, 5% → 5/105; no VAT and 0% stay as they are.
PREPAYMENT_VAT_CODES = {11: 12, 4: 6, 3: 5, 8: 10, 7: 9}
SUBJECTS = {
    ReceiptItemKind.VEHICLE: PaymentSubject.COMMODITY,
    ReceiptItemKind.GOODS: PaymentSubject.COMMODITY,
    ReceiptItemKind.SERVICE: PaymentSubject.SERVICE,
    ReceiptItemKind.INSURANCE: PaymentSubject.SERVICE,
}


# LINES
# ------------------------------------------------------------------------------
def vat_code(kind: ReceiptItemKind, mode: PaymentMode) -> int:
    """The VAT code of a line of `kind` (PAYMENTS_RECEIPT_VAT_CODES): a prepayment's is the
    computed rate of the full one."""
    code = int(settings.PAYMENTS_RECEIPT_VAT_CODES[kind])
    return code if mode == PaymentMode.FULL_PAYMENT else PREPAYMENT_VAT_CODES.get(code, code)


def shares(weights: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """`total` shared in proportion to `weights`, to the kopeck: every share rounded down,
    then the kopecks left over given one each to the largest remainders, so that the shares
    add up to `total` exactly."""
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        raise ValueError("Nothing to share in proportion to.")
    exact = [total * weight / whole for weight in weights]
    rounded = [share.quantize(CENT, rounding=ROUND_DOWN) for share in exact]
    left = int((total - sum(rounded, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(exact)), key=lambda i: rounded[i] - exact[i])
    for i in by_remainder[:left]:
        rounded[i] += CENT
    return rounded


def _sold(description: str, quantity: int, kind: ReceiptItemKind, mode: PaymentMode) -> ReceiptLine:
    """A line of `quantity` units of `kind`, not yet priced."""
    return ReceiptLine(
        description, quantity, Decimal(0), vat_code(kind, mode), SUBJECTS[kind], mode
    )


def _priced(line: ReceiptLine, amount: Decimal) -> list[ReceiptLine]:
    """`line`'s units costing `amount` in all: one line at a unit price or, when the kopecks
    do not divide, all but one unit at the lower price and the last at what is left."""
    price = (amount / line.quantity).quantize(CENT, rounding=ROUND_DOWN)
    if price * line.quantity == amount:
        return [replace(line, price=price)]
    rest = amount - price * (line.quantity - 1)
    return [
        replace(line, quantity=line.quantity - 1, price=price),
        replace(line, quantity=1, price=rest),
    ]


def _shared(
    lines: Sequence[ReceiptLine], weights: Sequence[Decimal], total: Decimal
) -> list[ReceiptLine]:
    """`lines` priced at `total` in all, shared by `weights`; a line whose share is nothing
    is left out."""
    priced: list[ReceiptLine] = []
    for line, amount in zip(lines, shares(weights, total), strict=True):
        if amount > 0:
            priced += _priced(line, amount)
    return priced


def _order_lines(order_id: Id, total: Decimal, mode: PaymentMode) -> list[ReceiptLine]:
    """The order's goods, `total` shared between them by their prices."""
    goods = orders_selectors.order_lines(order_id=order_id)
    kinds = {True: ReceiptItemKind.VEHICLE, False: ReceiptItemKind.GOODS}
    lines = [
        _sold(good.product_name, good.quantity, kinds[good.is_vehicle], mode) for good in goods
    ]
    return _shared(lines, [good.unit_price * good.quantity for good in goods], total)


def _work_order_lines(work_order_id: Id, total: Decimal, mode: PaymentMode) -> list[ReceiptLine]:
    """The work order's lines its customer pays, `total` shared between them by their
    amounts: works as services (`услуга`), parts as goods (`товар`). A part's fractional
    quantity (litres of oil) is one unit of its whole amount. Once the work is done nothing
    is prepaid: the works are rendered, and a payment is a full one."""
    report = work_order_report(work_order_id)
    if report is None:
        raise LookupError(f"The service app knows no work order {work_order_id}.")
    if report["work_done"]:
        mode = PaymentMode.FULL_PAYMENT
    kinds = {True: ReceiptItemKind.GOODS, False: ReceiptItemKind.SERVICE}
    paid = report["lines"]
    lines = [
        _sold(line["description"], line["quantity"], kinds[line["goods"]], mode) for line in paid
    ]
    return _shared(lines, [Decimal(line["amount"]) for line in paid], total)


# What is handed over later, settled at the handover: an order's goods, a work order's works.
_HANDED_OVER = {PayableKind.ORDER: _order_lines, PayableKind.WORK_ORDER: _work_order_lines}


def _payment_lines(payable: Payable, amount: Decimal, *, held: Decimal) -> list[ReceiptLine]:
    """A payment of `amount` towards `payable`, which payments already hold `held` of. An
    order's goods, or a work order's works not yet done, are handed over later: a payment
    short of the whole price prepays part of it, one that completes it prepays all of it;
    the handover settles them (`_work_order_lines`: once the work is done, in full). A seat
    or a premium is paid in full."""
    if lines_of := _HANDED_OVER.get(PayableKind(payable.payable_kind)):
        mode = (
            PaymentMode.FULL_PREPAYMENT
            if held + amount >= payable.total_amount
            else PaymentMode.PARTIAL_PREPAYMENT
        )
        return lines_of(payable.payable_id, amount, mode)
    kind, description = (
        (ReceiptItemKind.INSURANCE, pgettext("receipt line", "Insurance premium"))
        if payable.payable_kind == PayableKind.POLICY
        else (ReceiptItemKind.SERVICE, pgettext("receipt line", "Seat at a showroom event"))
    )
    return _priced(_sold(description, 1, kind, PaymentMode.FULL_PAYMENT), amount)


# RECORDED WITH THE PAYMENT OR THE REFUND
# ------------------------------------------------------------------------------
def _record(
    *,
    kind: ReceiptKind,
    payment: Payment,
    lines: Sequence[ReceiptLine],
    refund: Refund | None = None,
    prepaid: Decimal = Decimal(0),
) -> Receipt:
    return Receipt.objects.using(DB).create(
        kind=kind,
        payment=payment,
        refund=refund,
        payable_id=payment.payable_id,
        customer_id=payment.customer_id,
        provider=payment.provider,
        lines=[_line_json(line) for line in lines],
        total=sum((line.price * line.quantity for line in lines), Decimal(0)),
        prepaid=prepaid,
        currency=payment.currency,
    )


def payment_receipt_record(payment: Payment, payable: Payable, *, held: Decimal) -> None:
    """Record the receipt a new payment's charge is to carry, if its provider registers
    them. Call in the transaction that creates the payment, under the payable's lock."""
    if payment.provider in FISCAL_PROVIDERS:
        with translation.override(FISCAL_LANGUAGE):
            lines = _payment_lines(payable, payment.amount, held=held)
        _record(kind=ReceiptKind.PAYMENT, payment=payment, lines=lines)


def refund_receipt_record(refund: Refund) -> None:
    """Record the receipt a refund to be carried out is to carry: the payment's receipt's
    lines, in the refund's proportion. Call in the transaction that reserves the refund, or
    approves it (one awaiting approval, which may be rejected, has none yet)."""
    if refund.status != RefundStatus.PENDING:
        return
    paid = Receipt.objects.using(DB).filter(payment=refund.payment, kind=ReceiptKind.PAYMENT)
    paid_receipt = paid.first()
    if paid_receipt is None:  # a provider with no receipts, or a payment from before them
        return
    sold = [_line(line) for line in paid_receipt.lines]
    lines = _shared(sold, [line.price * line.quantity for line in sold], refund.amount)
    _record(kind=ReceiptKind.REFUND, payment=refund.payment, refund=refund, lines=lines)


def receipt_request(receipt: Receipt) -> ReceiptRequest:
    """The receipt as the provider is asked to register it: the same on every attempt."""
    _addressed(receipt)
    return ReceiptRequest(
        receipt_id=str(receipt.pk),
        kind="refund" if receipt.kind == ReceiptKind.REFUND else "payment",
        email=receipt.email,
        phone=receipt.phone,
        lines=tuple(_line(line) for line in receipt.lines),
        currency=receipt.currency,
        tax_system_code=settings.PAYMENTS_RECEIPT_TAX_SYSTEM_CODE,
        seller_inn=receipt.seller_inn,
        charge_reference=receipt.payment.provider_reference
        if receipt.kind == ReceiptKind.SETTLEMENT
        else "",
        prepaid=receipt.prepaid,
    )


def _addressed(receipt: Receipt) -> None:
    """Fix who issues the receipt and where it goes on its first sending: the legal entity
    that sells from its payable's showroom, or the one its payment's receipt named (a refund,
    a settlement); the customer's e-mail, or their phone without one. Read here, outside
    the transaction that recorded the receipt under the payable's lock, so that no lock
    waits on another database's connection."""
    _issued_by(receipt)
    if receipt.email or receipt.phone:
        return
    card = accounts_selectors.user_card(user_id=receipt.customer_id)
    receipt.email = card.email if card else ""
    receipt.phone = card.phone if card and not card.email else ""
    Receipt.objects.using(DB).filter(pk=receipt.pk, email="", phone="").update(
        email=receipt.email, phone=receipt.phone, updated_at=timezone.now()
    )


def _issued_by(receipt: Receipt) -> None:
    if receipt.seller_inn:
        return
    first = (
        Receipt.objects.using(DB)
        .filter(payment_id=receipt.payment_id, kind=ReceiptKind.PAYMENT)
        .exclude(seller_inn="")
        .values("seller_name", "seller_inn", "seller_address")
        .first()
    )
    if first is None:
        payable = Payable.objects.using(DB).filter(payable_id=receipt.payable_id).first()
        seller = seller_of(payable.showroom_id if payable else None)
        if seller is None:
            return
        first = {
            "seller_name": seller.name,
            "seller_inn": seller.inn,
            "seller_address": seller.address,
        }
    for name, value in first.items():
        setattr(receipt, name, value)
    Receipt.objects.using(DB).filter(pk=receipt.pk, seller_inn="").update(
        **first, updated_at=timezone.now()
    )


def charge_receipt(payment: Payment) -> ReceiptRequest | None:
    receipt = Receipt.objects.using(DB).filter(payment=payment, kind=ReceiptKind.PAYMENT).first()
    return None if receipt is None else receipt_request(receipt)


def refund_receipt(refund: Refund) -> ReceiptRequest | None:
    receipt = Receipt.objects.using(DB).filter(refund=refund).first()
    return None if receipt is None else receipt_request(receipt)


def registration_note(receipts: QuerySet[Receipt], held: ProviderRecord) -> None:
    """Note where the provider's record says a receipt's registration stands, once it has
    ended; one it could not register is an error for the accountant to issue by hand."""
    if held.receipt_status not in (ReceiptStatus.SUCCEEDED, ReceiptStatus.CANCELED):
        return
    with transaction.atomic(using=DB):
        for receipt in receipts.select_for_update().filter(status=ReceiptStatus.PENDING):
            RECEIPT_TRANSITIONS.apply(receipt, held.receipt_status)
            receipt.save(using=DB, update_fields=["status", "updated_at"])
            if held.receipt_status == ReceiptStatus.CANCELED:
                logger.error("The provider could not register receipt %s", receipt.pk)


# THE SETTLEMENT AT HANDOVER
# ------------------------------------------------------------------------------
def settlement_receipt_issue(*, payable_id: Id) -> Receipt | None:
    """Close what an order's or a work order's payments prepaid, now that its goods or works
    are handed over: a full-payment receipt of them, settled by the prepayments (their
    receipts, net of refunds), once. None when nothing was prepaid through a fiscal
    provider. Provider outages propagate, leaving the receipt for the sweep."""
    receipt = _settlement_reserve(payable_id)
    if receipt is None or receipt.provider_reference or receipt.status != ReceiptStatus.PENDING:
        return receipt
    provider = get_provider(receipt.provider)
    held = provider_call(provider.receipt, receipt_request(receipt))
    with transaction.atomic(using=DB):
        Receipt.objects.using(DB).filter(pk=receipt.pk, provider_reference="").update(
            provider_reference=held.reference, updated_at=timezone.now()
        )
        registration_note(Receipt.objects.using(DB).filter(pk=receipt.pk), held)
    return Receipt.objects.using(DB).get(pk=receipt.pk)


def _settlement_reserve(payable_id: Id) -> Receipt | None:
    with transaction.atomic(using=DB):
        payable = (
            Payable.objects.using(DB)
            .select_for_update()
            .filter(payable_id=payable_id, payable_kind__in=_HANDED_OVER)
            .first()
        )
        if payable is None:
            return None
        receipts = Receipt.objects.using(DB).filter(payable_id=payable_id)
        if settled := receipts.filter(kind=ReceiptKind.SETTLEMENT).first():
            return settled
        # Only prepayments are settled: a work order paid once its work was done was paid in full.
        prepayments = receipts.exclude(lines__0__payment_mode=PaymentMode.FULL_PAYMENT)
        paid = prepayments.filter(kind=ReceiptKind.PAYMENT, payment__status__in=CAPTURED_STATUSES)
        returned = prepayments.filter(
            kind=ReceiptKind.REFUND, refund__status=RefundStatus.COMPLETED
        )
        prepaid = _total(paid) - _total(returned)
        last = paid.order_by("-payment__processed_at").select_related("payment").first()
        if last is None or prepaid <= 0:
            return None
        lines_of = _HANDED_OVER[PayableKind(payable.payable_kind)]
        with translation.override(FISCAL_LANGUAGE):
            lines = lines_of(payable_id, prepaid, PaymentMode.FULL_PAYMENT)
        return _record(
            kind=ReceiptKind.SETTLEMENT, payment=last.payment, lines=lines, prepaid=prepaid
        )


def _total(receipts: QuerySet[Receipt]) -> Decimal:
    return receipts.aggregate(total=Sum("total"))["total"] or Decimal(0)


def settlements_unsent_issue(*, older_than: timedelta) -> int:
    """Register the settlements left unsent by a lost task or an outage; how many were."""
    unsent = Receipt.objects.using(DB).filter(
        kind=ReceiptKind.SETTLEMENT,
        provider_reference="",
        status=ReceiptStatus.PENDING,
        created_at__lt=timezone.now() - older_than,
    )
    issued = 0
    for payable_id in list(unsent.values_list("payable_id", flat=True)):
        issued += bool(settlement_receipt_issue(payable_id=payable_id))
    return issued


def _line_json(line: ReceiptLine) -> dict[str, str | int]:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "price": str(line.price),
        "vat_code": line.vat_code,
        "payment_subject": line.payment_subject,
        "payment_mode": line.payment_mode,
    }


def _line(data: dict[str, str | int]) -> ReceiptLine:
    return ReceiptLine(
        description=str(data["description"]),
        quantity=int(data["quantity"]),
        price=Decimal(str(data["price"])),
        vat_code=int(data["vat_code"]),
        payment_subject=str(data["payment_subject"]),
        payment_mode=str(data["payment_mode"]),
    )
