"""The demo history's plan (demo/planner.py) books its test drives only when the demo's
showrooms are open, whatever day `seed_demo` runs on: the soak run of the whole history
(tests/flows/test_demo_history.py) sees one day, this sees the days that differ."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from demo.history import catalog_for_plan
from demo.planner import Planner
from showroom.demo import SHOWROOMS

MOSCOW = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


def _open_everywhere(start: datetime, end: datetime) -> bool:
    """Whether every demo showroom is open for the whole drive, on its own clock, by the hours
    showroom/demo.py seeds (Monday first; a missing weekday is a closed one)."""
    for showroom in SHOWROOMS:
        zone = ZoneInfo(showroom["time_zone"])
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        if (local_start.month, local_start.day) == (1, 1):  # every showroom's holiday
            return False
        hours = showroom["hours"]
        if local_start.weekday() >= len(hours):
            return False
        opens, closes = hours[local_start.weekday()]
        if local_start.time() < opens or local_end.time() > closes:
            return False
    return True


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 29, 0, 30, tzinfo=MOSCOW),  # just after midnight on a Sunday
        datetime(2026, 11, 29, 15, 0, tzinfo=MOSCOW),  # a Sunday afternoon
        datetime(2026, 11, 28, 16, 0, tzinfo=MOSCOW),  # a Saturday
        datetime(2027, 1, 1, 12, 0, tzinfo=MOSCOW),  # New Year's Day
        datetime(2026, 12, 2, 9, 0, tzinfo=MOSCOW),  # a Wednesday morning
    ],
    ids=str,
)
def test_every_test_drive_the_plan_books_falls_when_the_showrooms_are_open(now):
    vehicles, accessories = catalog_for_plan()
    cars = sorted(name for name, _, _ in vehicles)[:3]
    steps = Planner(now, vehicles, accessories, cars).build().steps
    drives = [step for step in steps if step.action == "drive_book"]

    assert len(drives) > 20  # ninety days of them
    closed = [
        step.args
        for step in drives
        if not _open_everywhere(
            start := datetime.fromisoformat(step.args["start"]), start + timedelta(hours=1)
        )
    ]
    assert closed == []
    # Today's drive is there whenever today is a working day.
    today = now.date()
    if today.weekday() != 6 and today != date(today.year, 1, 1):
        assert any(datetime.fromisoformat(s.args["start"]).date() == today for s in drives)
