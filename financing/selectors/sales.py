"""Reads of financing for the sales report (backoffice/reports.py): the loan applications of a
chunk of orders (docs/admin.md, "Reports")."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from financing.models import LoanApplication


@dataclass(frozen=True)
class OrderLoan:
    id: UUID
    financing_type: str
    status: str
    loan_amount: Decimal
    currency: str
    disbursed_at: datetime | None


def order_loans(*, order_ids: list[UUID]) -> dict[UUID, list[OrderLoan]]:
    """Every loan application of each of `order_ids`, oldest first; one query."""
    found: dict[UUID, list[OrderLoan]] = {}
    rows = (
        LoanApplication.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "created_at", "id")
        .values_list(
            "order_id", "id", "financing_type", "status", "loan_amount", "currency", "disbursed_at"
        )
    )
    for order_id, loan_id, financing_type, status, loan_amount, currency, disbursed_at in rows:
        found.setdefault(order_id, []).append(
            OrderLoan(loan_id, financing_type, status, loan_amount, currency, disbursed_at)
        )
    return found
