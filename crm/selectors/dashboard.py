"""The CRM's figures for the dashboard: aggregated in SQL on the `crm` database, one query per
figure (docs/dashboard.md). A client belongs to no showroom here: the group's own."""

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from common.figures import EVERY_SHOWROOM, Period, ShowroomPick, day_bounds, scoped, windowed
from crm.choices import ActivityKind
from crm.models import Activity, Client
from orders.choices import Source


def clients_new(
    *, periods: list[Period], showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, dict[str, Any]]:
    """Clients who came to the CRM in each window, and how many of them have placed an order
    since: lead → order conversion. Merged duplicates are left out. A client is the group's
    own, not a showroom's (docs/showrooms.md). One query."""
    clients = Client.objects.filter(merged_into__isnull=True).alias(
        ordered=Exists(
            Activity.objects.filter(client=OuterRef("pk"), kind=ActivityKind.ORDER_PLACED)
        )
    )
    return windowed(
        scoped(clients, None, showroom=showroom, showroom_field=None),
        periods,
        count=("created_at", lambda q: Count("pk", filter=q)),
        converted=("created_at", lambda q: Count("pk", filter=q & Q(ordered=True))),
    )


def leads_by_source(
    *, date_from: date, date_to: date, showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, int]:
    """The clients who came to the CRM from `date_from` to `date_to`, per source (docs/feeds.md,
    "Sources"): a manager's lead by how it came, a buyer by their first order's source, the
    rest direct. Merged duplicates are left out. One query."""
    start, end = day_bounds(date_from, date_to)
    clients = scoped(
        Client.objects.filter(merged_into__isnull=True, created_at__gte=start, created_at__lt=end),
        None,
        showroom=showroom,
        showroom_field=None,
    )
    rows = clients.values("lead_source").annotate(count=Count("pk"))
    counts: dict[str, int] = {}
    for row in rows:
        source = row["lead_source"] or Source.DIRECT
        counts[source] = counts.get(source, 0) + row["count"]
    return counts
