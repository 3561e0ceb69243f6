"""The showroom's figures for the dashboard: aggregated in SQL on the `showroom` database,
one query per figure (docs/dashboard.md, "What each figure counts")."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Count, Q

from common.figures import EVERY_SHOWROOM, Period, ShowroomPick, scoped, windowed
from showroom.choices import TestDriveStatus
from showroom.models import Registration, TestDrive


def test_drive_counts(
    *,
    periods: list[Period],
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Test drives booked in each window (when the booking was made), and those due in it
    (by their start) that were completed or missed. One query."""
    completed = Q(status=TestDriveStatus.COMPLETED)
    no_show = Q(status=TestDriveStatus.NO_SHOW)
    return windowed(
        scoped(
            TestDrive.objects.all(),
            customers,
            field="user_id",
            showroom=showroom,
            showroom_field="resource__showroom_id",
        ),
        periods,
        booked=("created_at", lambda q: Count("pk", filter=q)),
        completed=("start_time", lambda q: Count("pk", filter=q & completed)),
        no_show=("start_time", lambda q: Count("pk", filter=q & no_show)),
    )


def registrations_created(
    *,
    periods: list[Period],
    customers: Iterable[UUID] | None = None,
    showroom: ShowroomPick = EVERY_SHOWROOM,
) -> dict[str, dict[str, Any]]:
    """Event registrations made in each window, whatever became of them since: the group's
    own, not a showroom's (common.figures.GROUP_OWN). One query."""
    return windowed(
        scoped(
            Registration.objects.all(),
            customers,
            field="user_id",
            showroom=showroom,
            showroom_field=None,
        ),
        periods,
        count=("created_at", lambda q: Count("pk", filter=q)),
    )
