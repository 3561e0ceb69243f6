"""Reads of payments for the sales report (backoffice/reports.py): what each order's payments
took, by provider, for a chunk of orders at a time (docs/admin.md, "Reports")."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from payments.choices import PayableKind, PaymentStatus
from payments.models import Payment

# A payment that took the money, even if some or all of it went back later.
CAPTURED = (PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


@dataclass(frozen=True)
class OrderPayment:
    provider: str
    amount: Decimal
    refunded_amount: Decimal
    currency: str


def order_payments(*, order_ids: list[UUID]) -> dict[UUID, list[OrderPayment]]:
    """The captured payments of each of `order_ids` (an order's own payable, not its
    policies' premiums), oldest first; one query on the payments database."""
    found: dict[UUID, list[OrderPayment]] = {}
    rows = (
        Payment.objects.filter(
            payable_kind=PayableKind.ORDER, payable_id__in=order_ids, status__in=CAPTURED
        )
        .order_by("payable_id", "created_at", "id")
        .values_list("payable_id", "provider", "amount", "refunded_amount", "currency")
    )
    for payable_id, provider, amount, refunded_amount, currency in rows:
        found.setdefault(payable_id, []).append(
            OrderPayment(provider, amount, refunded_amount, currency)
        )
    return found
