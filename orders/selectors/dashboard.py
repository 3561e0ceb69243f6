"""The orders domain's figures for the dashboard and the sales report: aggregated in SQL on
the `orders` database, one query per figure, never a loop over rows (docs/dashboard.md).

"Sold" and "revenue" are defined here, once: an order is sold when its status history
records the move to `paid`, on that row's day at the dealership; revenue is the sum of the
`total_amount` of the orders sold, by currency. A later cancellation does not unsell it:
the refund shows among the payments' figures (docs/dashboard.md, "What each figure counts")."""

from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict
from uuid import UUID

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django_stubs_ext import WithAnnotations

from common.figures import EVERY_SHOWROOM, ShowroomPick, day_bounds, dealership_zone, scoped
from orders.choices import OrderStatus
from orders.models import Order, OrderItem


class SoldAt(TypedDict):
    sold_at: datetime  # when the order's history records the move to `paid`


def orders_with_sold_at(
    *, customers: list[UUID] | None = None, showroom: ShowroomPick = EVERY_SHOWROOM
) -> "QuerySet[WithAnnotations[Order, SoldAt]]":
    """Every order that has been paid, annotated `sold_at`: when its history records the
    move to `paid` (an order is paid at most once: only `pending` leads there)."""
    orders = Order.objects.annotate(
        paid_row=FilteredRelation("history", condition=Q(history__to_status=OrderStatus.PAID))
    ).annotate(sold_at=F("paid_row__created_at"))
    return scoped(orders.filter(sold_at__isnull=False), customers, showroom=showroom)


def sold_orders(
    *,
    date_from: date,
    date_to: date,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> "QuerySet[WithAnnotations[Order, SoldAt]]":
    """The orders sold from `date_from` to `date_to` (dealership days, both included),
    annotated `sold_at`. `customers` limits them to those customers' orders (None: all),
    `showroom` to a showroom's (common.figures.scoped)."""
    start, end = day_bounds(date_from, date_to)
    sold = orders_with_sold_at(customers=customers, showroom=showroom)
    return sold.filter(sold_at__gte=start, sold_at__lt=end)


def revenue_daily(
    *,
    date_from: date,
    date_to: date,
    currency: str,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[date, tuple[Decimal, int]]:
    """Revenue and orders sold per dealership day, `{day: (revenue, count)}`; days without
    a sale are absent. One query; the tiles of revenue and of the average order add its
    days up, so the chart and the tiles never disagree."""
    rows = (
        sold_orders(date_from=date_from, date_to=date_to, customers=customers, showroom=showroom)
        .filter(currency=currency)
        .annotate(day=TruncDate("sold_at", tzinfo=dealership_zone()))
        .values("day")
        .annotate(revenue=Sum("total_amount"), count=Count("pk"))
        .order_by()
    )
    return {row["day"]: (row["revenue"], row["count"]) for row in rows}


def orders_created_daily(
    *,
    date_from: date,
    date_to: date,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[date, int]:
    """Orders placed per dealership day, cancelled ones too, `{day: count}`. One query; the
    orders tile adds its days up."""
    start, end = day_bounds(date_from, date_to)
    created = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = (
        scoped(created, customers, showroom=showroom)
        .annotate(day=TruncDate("created_at", tzinfo=dealership_zone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["count"] for row in rows}


def order_funnel(
    *,
    date_from: date,
    date_to: date,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, int]:
    """What became of the orders created from `date_from` to `date_to`: how many were
    created, paid (ever), completed and cancelled (before or after payment). One query."""
    start, end = day_bounds(date_from, date_to)
    orders = Order.objects.annotate(
        paid_row=FilteredRelation("history", condition=Q(history__to_status=OrderStatus.PAID))
    ).filter(created_at__gte=start, created_at__lt=end)
    return scoped(orders, customers, showroom=showroom).aggregate(
        created=Count("pk"),
        paid=Count("pk", filter=Q(paid_row__isnull=False)),
        completed=Count("pk", filter=Q(status=OrderStatus.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=OrderStatus.CANCELLED)),
    )


class TopModel(TypedDict):
    model: str  # the product's name on the order
    count: int
    revenue: Decimal


def top_models(
    *,
    date_from: date,
    date_to: date,
    currency: str,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
    limit: int = 10,
) -> list[TopModel]:
    """The vehicles sold most from `date_from` to `date_to` (by the product's name on the
    order), with how many and their revenue; most sold first. One query."""
    start, end = day_bounds(date_from, date_to)
    items = OrderItem.objects.annotate(
        paid_row=FilteredRelation(
            "order__history", condition=Q(order__history__to_status=OrderStatus.PAID)
        )
    ).filter(
        is_vehicle=True,
        order__currency=currency,
        paid_row__created_at__gte=start,
        paid_row__created_at__lt=end,
    )
    rows = (
        scoped(
            items,
            customers,
            field="order__customer_id",
            showroom=showroom,
            showroom_field="order__showroom_id",
        )
        .values("product_name")
        .annotate(count=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-count", "-revenue", "product_name")[:limit]
    )
    return [
        {"model": row["product_name"], "count": row["count"], "revenue": row["revenue"]}
        for row in rows
    ]


def orders_by_source(
    *,
    date_from: date,
    date_to: date,
    currency: str,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, object]]:
    """Per source (docs/feeds.md, "Sources"): the orders placed from `date_from` to
    `date_to`, and those paid in it with their revenue (their totals). Two queries."""
    start, end = day_bounds(date_from, date_to)
    orders = scoped(Order.objects.all(), customers, showroom=showroom)
    placed = (
        orders.filter(created_at__gte=start, created_at__lt=end)
        .values("source")
        .annotate(count=Count("pk"))
    )
    paid = (
        orders.annotate(
            paid_row=FilteredRelation("history", condition=Q(history__to_status=OrderStatus.PAID))
        )
        .filter(currency=currency, paid_row__created_at__gte=start, paid_row__created_at__lt=end)
        .values("source")
        .annotate(count=Count("pk", distinct=True), revenue=Sum("total_amount"))
    )
    figures: dict[str, dict[str, object]] = {}
    for row in placed:
        figures.setdefault(row["source"], {})["orders"] = row["count"]
    for row in paid:
        figures.setdefault(row["source"], {}).update(paid=row["count"], revenue=row["revenue"])
    return figures
