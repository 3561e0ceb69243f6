"""The payments domain's figures for the dashboard: aggregated in SQL on the `payments`
database, one query per figure (docs/dashboard.md, "What each figure counts")."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from django.db.models import Count, Model, QuerySet, Sum

from common.figures import EVERY_SHOWROOM, Period, ShowroomPick, day_bounds, scoped, windowed
from payments.choices import UNSETTLED_STATUSES, RefundStatus
from payments.models import Payment, Refund
from payments.selectors import with_showroom

_Row = TypeVar("_Row", bound=Model)


def _of(
    rows: QuerySet[_Row],
    customers: Iterable[UUID] | None,
    showroom: ShowroomPick,
    *,
    payable: str = "payable_id",
    field: str = "customer_id",
) -> QuerySet[_Row]:
    """`scoped` by their payable's showroom (payments.selectors.with_showroom)."""
    rows = with_showroom(rows, payable=payable) if showroom != EVERY_SHOWROOM else rows
    return scoped(rows, customers, field, showroom=showroom, showroom_field="payable_showroom_id")


def payments_pending(
    *,
    periods: list[Period],
    currency: str,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Payments started in each window that the provider has not captured yet (pending, or
    waiting for the customer's action): how many and their amount. One query."""
    payments = Payment.objects.filter(status__in=UNSETTLED_STATUSES, currency=currency)
    return windowed(
        _of(payments, customers, showroom),
        periods,
        count=("created_at", lambda q: Count("pk", filter=q)),
        amount=("created_at", lambda q: Sum("amount", filter=q)),
    )


def refunds_completed(
    *,
    periods: list[Period],
    currency: str,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Refunds asked for in each window that have been paid back: how many and their
    amount (by the day they were asked for, as the admin's list filters them). One query."""
    refunds = Refund.objects.filter(status=RefundStatus.COMPLETED, payment__currency=currency)
    return windowed(
        _of(
            refunds,
            customers,
            showroom,
            payable="payment__payable_id",
            field="payment__customer_id",
        ),
        periods,
        count=("created_at", lambda q: Count("pk", filter=q)),
        amount=("created_at", lambda q: Sum("amount", filter=q)),
    )


class ProviderFigure(TypedDict):
    provider: str
    status: str
    count: int
    amount: Decimal  # never None: a group has a payment at least


def payments_by_provider(
    *,
    date_from: date,
    date_to: date,
    currency: str,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> list[ProviderFigure]:
    """Payments started from `date_from` to `date_to`, by provider and status: how many and
    their amount. One query."""
    start, end = day_bounds(date_from, date_to)
    payments = Payment.objects.filter(created_at__gte=start, created_at__lt=end, currency=currency)
    rows = (
        _of(payments, customers, showroom)
        .values("provider", "status")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("provider", "status")
    )
    return list(rows)
