"""Pending orders cancelled once their clock runs out: financed, holding a vehicle, or
anything else (docs/operations.md, "Unpaid orders")."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from common.api.exceptions import ApplicationError
from orders.choices import FINANCED_LOAN_STATUSES, LinkKind, OrderStatus
from orders.deal import unpaid_clock
from orders.models import Order, OrderItem, OrderLink
from orders.services.status import order_status_set

DB = "orders"


# EXPIRY
# ------------------------------------------------------------------------------
class _HeldBy(TypedDict):
    """What `orders_unpaid_expire` prefetches of each order."""

    vehicle_items: list[OrderItem]  # its vehicle lines
    loans: list[OrderLink]  # its approved or disbursed loans


def _unpaid_clock(
    order: "WithAnnotations[Order, _HeldBy]", *, older_than: timedelta
) -> tuple[timedelta, str]:
    """The order's clock (`orders.deal.unpaid_clock`), from its prefetched vehicle lines
    (`vehicle_items`) and approved or disbursed loans (`loans`)."""
    vehicles = order.vehicle_items
    return unpaid_clock(
        vehicles_total=sum((item.line_total for item in vehicles), Decimal("0.00"))
        if vehicles
        else None,
        paid=order.paid_amount,
        financed=bool(order.loans),
        older_than=older_than,
    )


def orders_unpaid_expire(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Cancel, as the system, the pending orders whose clock has run out, counted from when
    they were placed; each in its own transaction, and `order.cancelled` gives their stock
    back. Three clocks (docs/operations.md, "Unpaid orders"):

    - financed (an approved or disbursed loan, or a deposit of ORDERS_VEHICLE_DEPOSIT_PERCENT
      of its vehicles): ORDERS_FINANCED_EXPIRE_DAYS, whatever `older_than` says;
    - holding a vehicle: `older_than` or ORDERS_VEHICLE_HOLD_HOURS, the shorter;
    - anything else (accessories): `older_than`.

    An order paid in the meantime is left alone. Returns how many were cancelled."""
    now = now or timezone.now()
    shortest = min(
        older_than,
        timedelta(hours=settings.ORDERS_VEHICLE_HOLD_HOURS),
        timedelta(days=settings.ORDERS_FINANCED_EXPIRE_DAYS),
    )
    stale = (
        Order.objects.using(DB)
        .filter(status=OrderStatus.PENDING, created_at__lt=now - shortest)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.using(DB).filter(is_vehicle=True),
                to_attr="vehicle_items",
            )
        )
        .prefetch_related(
            Prefetch(
                "links",
                queryset=OrderLink.objects.using(DB).filter(
                    kind=LinkKind.LOAN_APPLICATION, status__in=FINANCED_LOAN_STATUSES
                ),
                to_attr="loans",
            ),
        )
    )
    cancelled = 0
    for order in list(stale):
        clock, reason = _unpaid_clock(order, older_than=older_than)
        if order.created_at >= now - clock:
            continue
        try:
            order_status_set(order_id=order.pk, status=OrderStatus.CANCELLED, reason=reason)
        except ApplicationError:  # paid since it was listed
            continue
        cancelled += 1
    return cancelled
