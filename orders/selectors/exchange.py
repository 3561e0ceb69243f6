"""Reads of orders for the exchange with 1C (docs/1c.md, "Orders"): the orders changed since
what 1C last confirmed, oldest change first, whole, in two queries; and an order by the number
1C writes back."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Q

from common.types import Id
from orders.models import Order, OrderItem


@dataclass(frozen=True)
class ExchangeLine:
    product_id: UUID
    product_name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    is_vehicle: bool


@dataclass(frozen=True)
class ExchangeOrder:
    id: UUID
    number: str
    created_at: datetime
    updated_at: datetime
    status: str
    currency: str
    total_amount: Decimal
    paid_amount: Decimal
    credit_discount: Decimal
    customer_id: UUID
    customer_name: str
    customer_email: str
    showroom_id: UUID | None
    lines: tuple[ExchangeLine, ...]


_FIELDS = (
    "id", "number", "created_at", "updated_at", "status", "currency", "total_amount",
    "paid_amount", "credit_discount", "customer_id", "customer_name", "customer_email",
    "showroom_id",
)  # fmt: skip


def orders_changed(
    *, after: datetime | None, after_id: UUID | None, limit: int
) -> list[ExchangeOrder]:
    """The orders changed after (`after`, `after_id`), in the order of their last change, at
    most `limit` of them."""
    orders = Order.objects.order_by("updated_at", "id")
    if after is not None:
        orders = orders.filter(
            Q(updated_at__gt=after) | Q(updated_at=after, id__gt=after_id or UUID(int=0))
        )
    return _whole(list(orders.values(*_FIELDS)[:limit]))


def order_for_exchange(*, order_id: Id) -> ExchangeOrder | None:
    """One order whole, whoever's it is: what the accounting's payment is recorded against."""
    found = _whole(list(Order.objects.filter(pk=order_id).values(*_FIELDS)))
    return found[0] if found else None


def _whole(rows: list[dict[str, Any]]) -> list[ExchangeOrder]:
    lines: dict[UUID, list[ExchangeLine]] = {}
    items = OrderItem.objects.filter(order_id__in=[row["id"] for row in rows]).order_by(
        "order_id", "created_at", "id"
    )
    for item in items.values(
        "order_id", "product_id", "product_name", "unit_price", "quantity", "line_total",
        "is_vehicle",
    ):  # fmt: skip
        line: dict[str, Any] = dict(item)
        lines.setdefault(line.pop("order_id"), []).append(ExchangeLine(**line))
    return [ExchangeOrder(**row, lines=tuple(lines.get(row["id"], ()))) for row in rows]


def order_id_of_number(*, number: str) -> UUID | None:
    """The order whose number is `number`, as 1C writes it back."""
    return Order.objects.filter(number=number.strip()).values_list("id", flat=True).first()
