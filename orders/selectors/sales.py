"""Reads of the orders domain for the sales report (backoffice/reports.py): the orders sold in a
range, a chunk at a time, each with its lines. "Sold" is `orders.selectors.dashboard.sold_orders`, the
dashboard's own definition, so that the report and the dashboard agree to the kopeck
(docs/admin.md, "Reports")."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Q

from common.figures import EVERY_SHOWROOM, ShowroomPick
from orders.models import OrderItem
from orders.selectors.dashboard import sold_orders


@dataclass(frozen=True)
class SoldLine:
    product_id: UUID
    product_name: str
    quantity: int
    line_total: Decimal
    is_vehicle: bool


@dataclass(frozen=True)
class SoldOrder:
    id: UUID
    number: str
    sold_at: datetime
    customer_id: UUID
    customer_name: str
    customer_email: str
    status: str
    currency: str
    total_amount: Decimal
    paid_amount: Decimal
    lines: tuple[SoldLine, ...]
    source: str = "direct"  # where its buyer came from (docs/feeds.md, "Sources")


_FIELDS = (
    "id",
    "number",
    "sold_at",
    "customer_id",
    "customer_name",
    "customer_email",
    "status",
    "currency",
    "total_amount",
    "paid_amount",
    "source",
)


def sold_order_chunks(
    *,
    date_from: date,
    date_to: date,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
    size: int = 1000,
) -> Iterator[list[SoldOrder]]:
    """The sold orders, oldest sale first, `size` at a time: keyset pagination on
    (sold_at, id), so that each chunk is one indexed read however far into the range it is
    and a year of orders never sits in memory; each chunk's lines come by one IN-list."""
    orders = sold_orders(
        date_from=date_from, date_to=date_to, customers=customers, showroom=showroom
    )
    after: tuple[datetime, UUID] | None = None
    while True:
        page = orders
        if after is not None:
            page = page.filter(Q(sold_at__gt=after[0]) | Q(sold_at=after[0], id__gt=after[1]))
        rows = list(page.order_by("sold_at", "id").values(*_FIELDS)[:size])
        if not rows:
            return
        lines: dict[UUID, list[SoldLine]] = {row["id"]: [] for row in rows}
        items = OrderItem.objects.filter(order_id__in=list(lines)).values_list(
            "order_id", "product_id", "product_name", "quantity", "line_total", "is_vehicle"
        )
        for order_id, product_id, name, quantity, line_total, is_vehicle in items.order_by(
            "order_id", "product_name", "id"
        ):
            lines[order_id].append(SoldLine(product_id, name, quantity, line_total, is_vehicle))
        yield [SoldOrder(**row, lines=tuple(lines[row["id"]])) for row in rows]
        if len(rows) < size:
            return
        after = (rows[-1]["sold_at"], rows[-1]["id"])
