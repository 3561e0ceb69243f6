"""The trade-in's figures for the dashboard: aggregated in SQL on the `tradein` database,
one query per figure (docs/dashboard.md, "What each figure counts")."""

from datetime import date
from uuid import UUID

from django.db.models import Count, Q

from common.figures import EVERY_SHOWROOM, ShowroomPick, day_bounds, scoped
from tradein.choices import TradeInStatus
from tradein.models import TradeIn


def trade_in_funnel(
    *,
    date_from: date,
    date_to: date,
    customers: list[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, int]:
    """What became of the trade-ins submitted from `date_from` to `date_to`: how many were
    submitted, offered (ever), accepted (ever) and completed (taken into stock). One
    query."""
    start, end = day_bounds(date_from, date_to)
    submitted = TradeIn.objects.filter(created_at__gte=start, created_at__lt=end)
    return scoped(submitted, customers, showroom=showroom).aggregate(
        submitted=Count("pk"),
        offered=Count("pk", filter=Q(offered_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        completed=Count("pk", filter=Q(status=TradeInStatus.COMPLETED)),
    )
