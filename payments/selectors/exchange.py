"""Reads of payments for the exchange with 1C (docs/1c.md, "Orders"): the money each order took
other than at the dealership's own desk, which 1C knows already: charges and the lenders'
disbursements, from the ledger, oldest first."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from payments.choices import PayableKind, TransactionType
from payments.models import LedgerTransaction


@dataclass(frozen=True)
class ExchangePayment:
    id: UUID
    paid_at: datetime
    amount: Decimal
    by_lender: bool


def order_payments_for_exchange(*, order_ids: list[UUID]) -> dict[UUID, list[ExchangePayment]]:
    found: dict[UUID, list[ExchangePayment]] = {}
    rows = (
        LedgerTransaction.objects.filter(
            payable_kind=PayableKind.ORDER,
            payable_id__in=order_ids,
            type__in=(TransactionType.CHARGE, TransactionType.LOAN_DISBURSEMENT),
        )
        .order_by("payable_id", "created_at", "id")
        .values_list("payable_id", "id", "created_at", "amount", "type")
    )
    for payable_id, row_id, created_at, amount, kind in rows:
        found.setdefault(payable_id, []).append(
            ExchangePayment(row_id, created_at, amount, kind == TransactionType.LOAN_DISBURSEMENT)
        )
    return found
