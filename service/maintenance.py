"""When a car's next maintenance comes due (docs/service.md, "Messages"): by its date, or by the
mileage estimated from how far the car went between the readings the dealer has of it (bought,
booked, brought in), whichever comes first. The next maintenance itself, its menu, date and
km, is "Мои автомобили"'s (`service.selectors.my_cars`). No database, no HTTP."""

from dataclasses import dataclass
from datetime import date

# Readings closer together than this say nothing of how far the car goes in a day.
MIN_SPAN_DAYS = 30


@dataclass(frozen=True)
class Due:
    """Why the maintenance is due on a day: by its date, by the estimated mileage, or both."""

    by_date: bool
    by_km: bool
    estimated_km: int | None


def km_per_day(history: list[tuple[date, int]]) -> float | None:
    """The car's average km a day from its first reading to its last; None with readings
    fewer than two, less than MIN_SPAN_DAYS apart, or going backwards (a misread odometer)."""
    if len(history) < 2:
        return None
    first, last = min(history), max(history)
    days = (last[0] - first[0]).days
    if days < MIN_SPAN_DAYS or last[1] < first[1]:
        return None
    return (last[1] - first[1]) / days


def estimated_km(history: list[tuple[date, int]], day: date) -> int | None:
    """The car's mileage estimated on `day`: its last reading and the days since at its
    average; None when no average can be had."""
    rate = km_per_day(history)
    if rate is None:
        return None
    last_day, last_km = max(history)
    return last_km + round(rate * max(0, (day - last_day).days))


def due_on(
    *,
    day: date,
    next_due_date: date | None,
    next_due_km: int | None,
    history: list[tuple[date, int]],
) -> Due | None:
    """Whether the next maintenance is due on `day`, and why; None when it is not (or the car
    has no next maintenance: no menu for its model)."""
    if next_due_date is None and next_due_km is None:
        return None
    estimate = estimated_km(history, day)
    by_date = next_due_date is not None and day >= next_due_date
    by_km = next_due_km is not None and estimate is not None and estimate >= next_due_km
    if not (by_date or by_km):
        return None
    return Due(by_date=by_date, by_km=by_km, estimated_km=estimate)
