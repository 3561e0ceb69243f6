"""Days and periods of the dealership, for the figures every app aggregates
(docs/dashboard.md, "Periods"). A day is a calendar day in `DEALERSHIP_TIME_ZONE`, whatever
the server's zone; an interval is half-open, [start, end)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final, Literal, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Aggregate, Model, Q, QuerySet
from django.utils import timezone

_M = TypeVar("_M", bound=Model)


def dealership_zone() -> ZoneInfo:
    return ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


def dealership_today() -> date:
    return timezone.localdate(timezone=dealership_zone())


def day_start(day: date) -> datetime:
    """The aware instant at which `day` begins at the dealership."""
    return datetime.combine(day, time.min, tzinfo=dealership_zone())


def day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end) covering the days `date_from`..`date_to`, both included."""
    return day_start(date_from), day_start(date_to + timedelta(days=1))


@dataclass(frozen=True)
class Period:
    """A run of whole days and the run of the same kind just before it: yesterday for today,
    last week for this week, last month for this month (the whole of each, not "up to the
    same hour"; docs/dashboard.md, "Periods")."""

    key: str
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(self.date_from, self.date_to)

    @property
    def previous_bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(self.previous_from, self.previous_to)

    @property
    def span(self) -> tuple[datetime, datetime]:
        """From the start of the previous period to the end of this one: what one query
        reads to answer both."""
        return self.previous_bounds[0], self.bounds[1]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def periods(today: date | None = None) -> list[Period]:
    """Today, this week (Monday to today) and this month (the 1st to today), each with the
    whole previous day, week or month: nothing after today has happened yet."""
    today = today or dealership_today()
    week_start = today - timedelta(days=today.weekday())
    month_start = _month_start(today)
    previous_month_end = month_start - timedelta(days=1)
    return [
        Period("today", today, today, today - timedelta(days=1), today - timedelta(days=1)),
        Period(
            "week",
            week_start,
            today,
            week_start - timedelta(days=7),
            week_start - timedelta(days=1),
        ),
        Period(
            "month",
            month_start,
            today,
            _month_start(previous_month_end),
            previous_month_end,
        ),
    ]


# WINDOWS: each period and the one before it, aggregated in one query
# ------------------------------------------------------------------------------
def windows(periods: list[Period]) -> list[tuple[str, datetime, datetime]]:
    """(name, start, end) for every period and its previous one: `week`, `week_previous`…"""
    named = []
    for period in periods:
        named.append((period.key, *period.bounds))
        named.append((f"{period.key}_previous", *period.previous_bounds))
    return named


def windowed(
    queryset: QuerySet[Model],
    periods: list[Period],
    **measures: tuple[str, Callable[[Q], Aggregate]],
) -> dict[str, dict[str, Any]]:
    """Every measure in every window, in ONE query (conditional aggregation).

    `measures` maps a name to `(field, aggregate)`: `field` is the instant that puts a row
    in a window, `aggregate(filter)` builds the SQL aggregate, e.g.
    `count=("created_at", lambda q: Count("pk", filter=q))`. Rows outside every window are
    left out by the WHERE clause, so an index on the field serves. Returns
    `{window: {measure: value}}`; an empty sum is None."""
    named = windows(periods)
    earliest = min(start for _, start, _ in named)
    reach = Q()
    aggregates: dict[str, Aggregate] = {}
    for measure, (field, aggregate) in measures.items():
        reach |= Q(**{f"{field}__gte": earliest})
        for window, start, end in named:
            within = Q(**{f"{field}__gte": start, f"{field}__lt": end})
            aggregates[f"{window}__{measure}"] = aggregate(within)
    row = queryset.filter(reach).aggregate(**aggregates)
    return {
        window: {measure: row[f"{window}__{measure}"] for measure in measures}
        for window, _, _ in named
    }


# Which showroom's figures (docs/dashboard.md, "By showroom"): every showroom's together, the
# group's total (EVERY_SHOWROOM); one showroom's, by its id; or the group's own, the records of
# no showroom (GROUP_OWN: a seat at an event, an order of accessories alone, a client). The
# group's total is the sum of each showroom's and the group's own.
EVERY_SHOWROOM: Final = "every"
GROUP_OWN: Final = "group"
ShowroomPick = UUID | Literal["every", "group"]


def scoped(
    queryset: QuerySet[_M],
    customers: Iterable[UUID] | None,
    field: str = "customer_id",
    *,
    showroom: ShowroomPick = EVERY_SHOWROOM,
    showroom_field: str | None = "showroom_id",
) -> QuerySet[_M]:
    """`customers` None is everyone (an admin); a list, even an empty one, is a manager's
    clients (docs/dashboard.md, "Who sees what"). `showroom` narrows them to a showroom's,
    by `showroom_field`: None for records that have no showroom, all of them the group's
    own."""
    if customers is not None:
        queryset = queryset.filter(**{f"{field}__in": customers})
    if showroom == EVERY_SHOWROOM:
        return queryset
    if showroom_field is None:
        return queryset if showroom == GROUP_OWN else queryset.none()
    return queryset.filter(**{showroom_field: None if showroom == GROUP_OWN else showroom})
