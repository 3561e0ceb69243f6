"""Reads of the orders domain, scoped to who asks: a client sees only their own orders.

Other apps read orders through `order_view_get` and `order_cancelled` alone: they get an
`OrderView`, a frozen copy with an enum status, never the model (docs/architecture.md §3.2).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict
from uuid import UUID

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError, NotFound
from common.money import to_cents
from common.showrooms import may_see, visible_to
from common.types import Actor, Id
from orders import cache, deal, wording
from orders.choices import FINANCED_LOAN_STATUSES, PAID_STATUSES, LinkKind, OrderStatus
from orders.deal import Deal, credit_expected, deal_of
from orders.error_codes import OrderErrorCode
from orders.models import Order, OrderItem, OrderLink, OrderStatusHistory


@dataclass(frozen=True)
class OrderView:
    """An order as another domain may see it: data, not a model."""

    id: UUID
    number: str  # what a person reads (common.db.numbers)
    customer_id: UUID
    status: OrderStatus
    currency: str
    total_amount: Decimal
    paid_amount: Decimal
    # The showroom that sells it (docs/showrooms.md): what another domain's record of the
    # order belongs to; None for an order of accessories alone, the group's.
    showroom_id: UUID | None = None
    # The dealer's credit discount already out of `total_amount` (docs/deal.md).
    credit_discount: Decimal = Decimal("0.00")
    credit_discount_name: str = ""


_VIEW_FIELDS = [field.name for field in dataclasses.fields(OrderView)]


def _order_view(row: dict[str, Any]) -> OrderView:
    return OrderView(**{**row, "status": OrderStatus(row["status"])})


@dataclass(frozen=True)
class OrderLineView:
    """One line of an order, as another domain may see it."""

    product_id: UUID
    product_name: str
    unit_price: Decimal
    quantity: int
    is_vehicle: bool = False


def order_lines(*, order_id: Id) -> list[OrderLineView]:
    """An order's lines, whoever's it is, largest first (payments' fiscal receipts)."""
    lines = (
        OrderItem.objects.filter(order_id=order_id)
        .order_by("-line_total", "created_at")
        .values_list("product_id", "product_name", "unit_price", "quantity", "is_vehicle")
    )
    return [OrderLineView(*line) for line in lines]


def order_lines_get(*, user: Actor, order_id: Id) -> tuple[OrderView, list[OrderLineView]]:
    """The order and its lines, for another domain acting for `user` (insurance prices the
    vehicle on it). Another client's order is `order_not_found`, like a missing one."""
    order = order_view_get(user=user, order_id=order_id)
    return order, order_lines(order_id=order.id)


def _visible(user: Actor) -> QuerySet[Order]:
    return visible_to(user, Order.objects.all())


def order_list(*, user: Actor) -> QuerySet[Order]:
    """The orders `user` may see: those of their showrooms for staff (common.showrooms), a
    client's own otherwise. The list's filters (orders.filters.OrderFilter, `customer_id`
    among them) only narrow this."""
    return _visible(user).prefetch_related("items", "links")


def order_get(*, user: Actor, order_id: UUID) -> Order:
    """Another client's order is a 404, exactly like a missing one."""
    order = order_list(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound
    return order


def orders_of_buyer(*, user: Actor) -> QuerySet[Order]:
    """The orders `user` placed as a buyer, the newest first, whoever they are (a member of
    staff's own purchases too): the storefront's account pages."""
    return (
        Order.objects.filter(customer_id=user.pk)
        .order_by("-created_at")
        .prefetch_related("items", "links")
    )


def deal_of_buyer(*, user: Actor, order_id: UUID) -> Deal:
    """The deal at a glance of one of `user`'s own orders (docs/deal.md); anyone else's is
    a 404, exactly like a missing one."""
    order = orders_of_buyer(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound
    return deal_of(order)


def order_status_text(*, order: Order) -> str:
    """The order's status in its buyer's words, in the active language, as its page and its
    live feed say it (`orders.wording`): an order of `orders_of_buyer` or `deal_of_buyer`,
    whose lines and links are loaded."""
    return wording.order_status_text(order)


def order_status_words(*, status: str) -> str:
    """A status in the buyer's words with nothing of the deal (a step of the history)."""
    return wording.status_text(status=status)


def vehicle_deposit(*, total: Decimal) -> Decimal:
    """The prepayment that holds a car of price `total`, as the checkout asks it and the
    offer states it (`orders.deal.vehicle_deposit`)."""
    return deal.vehicle_deposit(total)


def vehicle_sale_prices(*, product_ids: list[UUID]) -> list[tuple[UUID, Decimal]]:
    """What the dealership sold each of these vehicles for: the line's price in its
    completed orders (a trade-in's comparables, docs/tradein.md)."""
    return list(
        OrderItem.objects.filter(
            product_id__in=product_ids, order__status=OrderStatus.COMPLETED
        ).values_list("product_id", "unit_price")
    )


@dataclass(frozen=True)
class Hold:
    """How long a pending order holds its car on no deposit (notifications remind of it)."""

    order_id: UUID
    order_number: str
    customer_id: UUID
    ends_at: datetime


def vehicle_holds_ending(*, after: datetime, until: datetime) -> list[Hold]:
    """The pending orders holding a vehicle on no money and no loan, whose hold ends in
    (after, until]: ORDERS_VEHICLE_HOLD_HOURS after they were placed, or
    ORDERS_UNPAID_EXPIRE_HOURS if that is shorter (docs/operations.md, "Unpaid orders")."""
    hours = min(settings.ORDERS_VEHICLE_HOLD_HOURS, settings.ORDERS_UNPAID_EXPIRE_HOURS)
    hold = timedelta(hours=hours)
    orders = (
        Order.objects.filter(
            status=OrderStatus.PENDING,
            paid_amount=0,
            items__is_vehicle=True,
            created_at__gt=after - hold,
            created_at__lte=until - hold,
        )
        .exclude(links__kind=LinkKind.LOAN_APPLICATION, links__status__in=FINANCED_LOAN_STATUSES)
        .distinct()
        .values_list("pk", "number", "customer_id", "created_at")
    )
    return [Hold(pk, number, customer, placed + hold) for pk, number, customer, placed in orders]


@dataclass(frozen=True)
class OrderPapers:
    """An order as its papers state it (the documents app): data, not a model. `captured` is
    the buyer's money captured net of refunds; `loan_amount` what the lender pays, to come or
    paid (0 without a loan)."""

    view: OrderView
    created_at: datetime
    customer_name: str
    customer_email: str
    lines: list[OrderLineView]
    captured: Decimal
    loan_amount: Decimal


def order_papers(*, order_id: Id) -> OrderPapers | None:
    """The order for its documents, whoever's it is (the documents app checks who reads
    them); None for no such order."""
    order = Order.objects.prefetch_related("items", "links").filter(pk=order_id).first()
    if order is None:
        return None
    deal = deal_of(order)
    return OrderPapers(
        view=_order_view({name: getattr(order, name) for name in _VIEW_FIELDS}),
        created_at=order.created_at,
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        lines=[
            OrderLineView(
                item.product_id, item.product_name, item.unit_price, item.quantity, item.is_vehicle
            )
            for item in order.items.all()
        ],
        captured=deal.captured - deal.refunded,
        loan_amount=(deal.loan.amount or Decimal(0))
        if deal.loan and deal.loan.status in ("approved", "sent_to_lender", "disbursed")
        else Decimal(0),
    )


def trade_in_expected(*, order_id: Id) -> tuple[Decimal, datetime | None]:
    """The credit the order's accepted trade-ins promise and have not paid in yet (the
    inspection records it as money), and when a trade-in was last reported: (0, None)
    without one (financing counts it in a down payment, docs/tradein.md)."""
    links = list(
        OrderLink.objects.filter(order_id=order_id, kind=LinkKind.TRADE_IN).order_by("-reported_at")
    )
    return credit_expected(links), links[0].reported_at if links else None


def order_numbers(*, ids: list[Id | None]) -> dict[str, str]:
    """The numbers of these orders, by id as a string (one for each that exists)."""
    wanted = {order_id for order_id in ids if order_id}
    if not wanted:
        return {}
    rows = Order.objects.filter(pk__in=wanted).values_list("pk", "number")
    return {str(pk): number for pk, number in rows}


def order_number(*, order_id: Id) -> str | None:
    """The number a person reads of an order (for a notice about it); None for no such
    order."""
    return Order.objects.filter(pk=order_id).values_list("number", flat=True).first()


def order_view_get(*, user: Actor, order_id: Id) -> OrderView:
    """The order for another domain acting for `user`. Another client's order is
    `order_not_found`, exactly like a missing one."""
    row = _visible(user).filter(pk=order_id).values(*_VIEW_FIELDS).first()
    if row is None:
        raise ApplicationError(
            _("There is no such order of yours."), code=OrderErrorCode.ORDER_NOT_FOUND, status=404
        )
    return _order_view(row)


def order_detail(
    *, user: Actor, order_id: UUID, render: Callable[[Order], dict[str, Any]]
) -> dict[str, Any]:
    """The order as `render` shows it, from the cache when a rendering of its current
    version is there. Another client's order is a 404, exactly like a missing one."""
    body = cache.detail_get_or_build(
        order_id, lambda: render(order_get(user=user, order_id=order_id))
    )
    # A rendering cached before orders knew their showroom has none: the group's.
    if not may_see(user, owner_id=body["customer_id"], showroom_id=body.get("showroom_id")):
        raise NotFound
    return body


def order_live_find(*, user: Actor, order_id: Id) -> Order | None:
    """The order for the live feed, or None when the user may not see it; with its lines and
    links, which the status's words read (`orders.wording`)."""
    return _visible(user).filter(pk=order_id).prefetch_related("items", "links").first()


def order_cancelled(*, order_id: Id) -> bool:
    """Whether the order is cancelled (or gone). Another domain that attached something to it
    asks after its own commit: had the order been cancelled meanwhile, with `order.cancelled`
    consumed before that commit, the attachment would outlive the order."""
    return not Order.objects.filter(pk=order_id).exclude(status=OrderStatus.CANCELLED).exists()


def order_showroom(*, order_id: Id) -> UUID | None:
    """The showroom that sells the order (None: the group's, or no such order), whoever asks:
    what payments notes on the order's payables (docs/showrooms.md)."""
    return Order.objects.filter(pk=order_id).values_list("showroom_id", flat=True).first()


def order_ids_of_showrooms(*, showroom_ids: list[UUID]) -> QuerySet[Order, UUID]:
    """The ids of the orders the showrooms sell: what other apps narrow a showroom's staff's
    view of their order-bound records to (notifications' deliveries)."""
    return Order.objects.filter(showroom_id__in=showroom_ids).values_list("pk", flat=True)


def buyer_ids_of_completed_orders() -> QuerySet[Order, UUID]:
    """The customers who took home what they bought here (a completed order): whose cars the
    service's maintenance reminders look at (docs/service.md, "Messages")."""
    completed = Order.objects.filter(status=OrderStatus.COMPLETED)
    return completed.order_by().values_list("customer_id", flat=True).distinct()


def order_total(*, order_id: Id) -> Decimal | None:
    """The order's total now, whoever asks (None: no such order): what payments holds the
    lender's money to, so that no order is paid past it (docs/deal.md)."""
    return Order.objects.filter(pk=order_id).values_list("total_amount", flat=True).first()


def order_paid_for(*, order_id: Id) -> bool:
    """Whether the order has been paid for in full (by its buyer, its lender, or both)."""
    return Order.objects.filter(pk=order_id, status__in=PAID_STATUSES).exists()


def order_live_recent(*, user: Actor, limit: int) -> list[Order]:
    return list(_visible(user).prefetch_related("items", "links")[:limit])


def order_history(*, user: Actor, order_id: UUID) -> QuerySet[OrderStatusHistory]:
    order = order_get(user=user, order_id=order_id)
    return OrderStatusHistory.objects.filter(order=order)


def _by_status(orders: QuerySet[Order]) -> dict[str, int]:
    counts = dict.fromkeys(OrderStatus.values, 0)
    for row in orders.values("status").annotate(count=Count("pk")):
        counts[row["status"]] = row["count"]
    return counts


def _sum_by_currency(orders: QuerySet[Order], field: str) -> dict[str, str]:
    rows = orders.values("currency").annotate(amount=Sum(field)).order_by("currency")
    return {row["currency"]: str(row["amount"]) for row in rows}


class CustomerOrderStats(TypedDict):
    """A customer's own figures: their orders, by status, and what they paid by currency."""

    total_orders: int
    by_status: dict[str, int]
    total_spent: dict[str, str]


def order_stats_for_customer(*, user: Actor) -> CustomerOrderStats:
    orders = Order.objects.filter(customer_id=user.pk)
    return {
        "total_orders": orders.count(),
        "by_status": _by_status(orders),
        "total_spent": _sum_by_currency(orders.filter(paid_amount__gt=0), "paid_amount"),
    }


class DayStats(TypedDict):
    date: date
    orders: int
    cancelled: int
    revenue: str


class OrderStats(TypedDict):
    date_from: date
    date_to: date
    total_orders: int
    by_status: dict[str, int]
    revenue: dict[str, str]
    average_order: dict[str, str]
    by_day: list[DayStats]


def order_stats(
    *, user: Actor, date_from: date | None = None, date_to: date | None = None
) -> OrderStats:
    """Counts, revenue and average order for staff, overall and by day (last 30 days unless
    a range is given): of the orders `user` sees, their showrooms' (common.showrooms)."""
    today = timezone.localdate()
    date_from = date_from or today - timedelta(days=29)
    date_to = date_to or today
    orders = _visible(user).filter(created_at__date__gte=date_from, created_at__date__lte=date_to)
    not_cancelled = orders.exclude(status=OrderStatus.CANCELLED)
    averages = (
        not_cancelled.values("currency").annotate(avg=Avg("total_amount")).order_by("currency")
    )
    by_day = (
        orders.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            orders=Count("pk"),
            cancelled=Count("pk", filter=Q(status=OrderStatus.CANCELLED)),
            revenue=Sum("paid_amount"),
        )
        .order_by("day")
    )
    return {
        "date_from": date_from,
        "date_to": date_to,
        "total_orders": orders.count(),
        "by_status": _by_status(orders),
        "revenue": _sum_by_currency(orders.filter(paid_amount__gt=0), "paid_amount"),
        "average_order": {row["currency"]: str(to_cents(row["avg"])) for row in averages},
        "by_day": [
            {
                "date": row["day"],
                "orders": row["orders"],
                "cancelled": row["cancelled"],
                "revenue": str(row["revenue"]),
            }
            for row in by_day
        ],
    }
