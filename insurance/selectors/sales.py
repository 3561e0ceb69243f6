"""Reads of insurance for the sales report (backoffice/reports.py): the policies of a chunk of
orders (docs/admin.md, "Reports")."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from insurance.models import Policy


@dataclass(frozen=True)
class OrderPolicy:
    number: str
    insurance_type: str
    premium: Decimal
    premium_paid: Decimal
    currency: str
    status: str


def order_policies(*, order_ids: list[UUID]) -> dict[UUID, list[OrderPolicy]]:
    """Every policy of each of `order_ids`, oldest first; one query."""
    found: dict[UUID, list[OrderPolicy]] = {}
    rows = (
        Policy.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "created_at", "id")
        .values_list(
            "order_id", "number", "insurance_type", "premium", "premium_paid", "currency", "status"
        )
    )
    for order_id, number, insurance_type, premium, premium_paid, currency, status in rows:
        found.setdefault(order_id, []).append(
            OrderPolicy(number, insurance_type, premium, premium_paid, currency, status)
        )
    return found
