"""The demo history's plan (demo/planner.py) books each test drive only when its car's
showroom is open, whatever day `seed_demo` runs on, and one today whenever a showroom is:
the soak's run of the whole history (tests/flows/test_demo_history.py) sees one day, this
sees the days that differ."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from demo.history import catalog_for_plan
from demo.plan import DemoCar, Step
from demo.planner import Planner
from showroom.demo import SHOWROOMS

MOSCOW = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)
NEW_YEAR = date(2027, 1, 1)  # the demo showrooms' holiday in the runs below


def _open(showroom: dict, start: datetime, end: datetime) -> bool:
    """Whether `showroom` is open for the whole drive, on its own clock, by the hours
    showroom/demo.py seeds (Monday first; a missing weekday is a closed one)."""
    zone = ZoneInfo(showroom["time_zone"])
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    hours = showroom["hours"]
    if local_start.date() == NEW_YEAR or local_start.weekday() >= len(hours):
        return False
    opens, closes = hours[local_start.weekday()]
    return opens <= local_start.time() and local_end.time() <= closes


def _demo_car(name: str, showroom: dict) -> DemoCar:
    """A demo car standing in `showroom`, as demo.history.demo_cars reads it."""
    return DemoCar(name, frozenset(range(1, len(showroom["hours"]) + 1)), frozenset({NEW_YEAR}))


def _plan(now: datetime) -> tuple[dict[str, dict], list[Step]]:
    """The plan's test drives with a demo car of every model, in the showrooms in turn (the
    one in Yekaterinburg is closed on Sundays), and where each car stands."""
    vehicles, accessories = catalog_for_plan()
    names = sorted(name for name, _, _ in vehicles)
    standing = {name: SHOWROOMS[n % len(SHOWROOMS)] for n, name in enumerate(names)}
    cars = [_demo_car(name, showroom) for name, showroom in standing.items()]
    steps = Planner(now, vehicles, accessories, cars).build().steps
    return standing, [step for step in steps if step.action == "drive_book"]


def _start(step: Step) -> datetime:
    return datetime.fromisoformat(step.args["start"])


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
def test_every_test_drive_the_plan_books_falls_when_its_showroom_is_open(now):
    standing, booked = _plan(now)

    assert len(booked) > 20  # ninety days of them
    closed = [
        step.args
        for step in booked
        if not _open(standing[step.args["car"]], _start(step), _start(step) + timedelta(hours=1))
    ]
    assert closed == []
    # Every car is driven, Sundays' in Moscow; one today unless every showroom is closed.
    assert {step.args["car"] for step in booked} == set(standing)
    today = now.date()
    drives_today = [step for step in booked if _start(step).date() == today]
    assert bool(drives_today) == (today != NEW_YEAR)


def test_everyone_has_one_drive_booked_at_a_time_whenever_the_plan_is_made():
    # One at a time keeps within the showroom's limit however it is set (at least one).
    for hours in range(0, 24 * 30, 11):  # a month of runs, at every hour of the day
        _, booked = _plan(datetime(2026, 11, 1, 8, tzinfo=MOSCOW) + timedelta(hours=hours))
        for step in booked:
            waiting = [
                other
                for other in booked
                if other.args["person"] == step.args["person"]
                and other.at <= step.at < _start(other)
            ]
            assert waiting == [step], step.args
