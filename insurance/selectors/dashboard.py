"""The insurance domain's figures for the dashboard: aggregated in SQL on the `insurance`
database, one query per figure (docs/dashboard.md, "What each figure counts")."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Count, Sum

from common.figures import EVERY_SHOWROOM, Period, ShowroomPick, scoped, windowed
from insurance.models import Policy


def policies_sold(
    *,
    periods: list[Period],
    currency: str,
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Policies whose premium was paid in each window (a policy is sold once paid, when it
    becomes active): how many, and the premium collected. One query."""
    policies = Policy.objects.filter(paid_at__isnull=False, currency=currency)
    return windowed(
        scoped(policies, customers, showroom=showroom),
        periods,
        count=("paid_at", lambda q: Count("pk", filter=q)),
        premium=("paid_at", lambda q: Sum("premium_paid", filter=q)),
    )
