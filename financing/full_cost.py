"""The full cost of credit, ПСК (Федеральный закон № 353-ФЗ «О потребительском кредите (займе)»,
ст. 6), from the exact cash flows of a loan (docs/financing.md, "The full cost of credit").

Plain `Decimal` arithmetic on plain values, like financing/annuity.py: every offer, the
calculator and the documents take their ПСК from `full_cost`.

The law's formula (part 2):

    ПСК = i × ЧБП × 100,   where i solves   Σₖ ДПₖ / ((1 + eₖ·i)(1 + i)^qₖ) = 0

- ДПₖ, the k-th cash flow: the loan given to the borrower is negative, every payment of the
  borrower (principal, interest, a fee or a premium the lender requires) positive;
- the base period is the standard interval (a day, a month, a year) found most often between
  the schedule's payments; ЧБП, the number of base periods in a year of 365 days;
- qₖ, the whole base periods from the loan's date to the k-th flow; eₖ, the rest of that time
  as a share of a base period (a month is 365/12 days here, a year 365).

The result is in percent a year to three decimal places, as part 1 of the article asks
(rounded half up), and part 2.1's cost in money is what the borrower pays beyond the loan.
"""

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise

from common.money import to_cents
from financing.annuity import months_after

PRECISION = 40
DAYS_IN_YEAR = 365
# ЧБП per standard interval, and its length in days for the part of a period (eₖ).
PERIODS_PER_YEAR = {"day": 365, "month": 12, "year": 1}
THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class CashFlow:
    on: date
    amount: Decimal  # negative: the loan given; positive: what the borrower pays


@dataclass(frozen=True)
class FullCost:
    percent: Decimal  # a year, to three decimal places
    amount: Decimal  # in the loan's currency: everything paid beyond the loan itself
    base_period: str  # "day", "month" or "year"
    periods_per_year: int  # ЧБП


def full_cost(flows: Sequence[CashFlow]) -> FullCost:
    """The ПСК of a loan whose first flow is its issue (negative) and whose other flows, on
    or after that day, are the borrower's payments; flows on one day may repeat."""
    if len(flows) < 2 or flows[0].amount >= 0:
        raise ValueError("A loan's flows start with the loan given, then the payments.")
    start = flows[0].on
    if any(flow.on < start for flow in flows):
        raise ValueError("No payment falls before the loan is given.")
    base = base_period([flow.on for flow in flows])
    per_year = PERIODS_PER_YEAR[base]
    with localcontext() as context:
        context.prec = PRECISION
        timing = [_periods(start, flow.on, base) for flow in flows]
        rate = _periodic_rate([flow.amount for flow in flows], timing)
        percent = (rate * per_year * 100).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    return FullCost(
        percent=percent,
        amount=to_cents(sum((flow.amount for flow in flows), Decimal("0"))),
        base_period=base,
        periods_per_year=per_year,
    )


def base_period(dates: Sequence[date]) -> str:
    """The standard interval found most often between consecutive payment dates (the days a
    loan is given and first paid count too); a day when no interval is a standard one, the
    shorter of two found equally often."""
    days = sorted(set(dates))
    found = Counter(
        interval for a, b in pairwise(days) if (interval := _interval(a, b)) is not None
    )
    if not found:
        return "day"
    order = list(PERIODS_PER_YEAR)  # shortest first
    return max(found, key=lambda name: (found[name], -order.index(name)))


def _interval(a: date, b: date) -> str | None:
    if (b - a).days == 1:
        return "day"
    if _months_between(a, b) == 1 and _same_day_of_month(a, b):
        return "month"
    if _months_between(a, b) == 12 and months_after(a, 12) == b:
        return "year"
    return None


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _same_day_of_month(a: date, b: date) -> bool:
    """Whether a monthly schedule's day, clamped to short months, can take `a` to `b`: the
    15th to the 15th; kept on the 31st or the 30th, 31 January to 28 February and back to 31
    or 30 March."""
    a_last = a.day == calendar.monthrange(a.year, a.month)[1]
    b_last = b.day == calendar.monthrange(b.year, b.month)[1]
    return a.day == b.day or (a_last and b.day > a.day) or (b_last and b.day < a.day)


def _whole_months(start: date, end: date) -> int:
    months = _months_between(start, end)
    while months > 0 and months_after(start, months) > end:
        months -= 1
    return months


def _periods(start: date, on: date, base: str) -> tuple[int, Decimal]:
    """(qₖ, eₖ): the whole base periods from `start` to `on`, and the rest in periods."""
    if base == "day":
        return (on - start).days, Decimal(0)
    months = _whole_months(start, on)
    whole = months if base == "month" else months // 12
    reached = months_after(start, whole * (1 if base == "month" else 12))
    period_days = Decimal(DAYS_IN_YEAR) / PERIODS_PER_YEAR[base]
    return whole, Decimal((on - reached).days) / period_days


def _present_value(amounts: Sequence[Decimal], timing, rate: Decimal) -> Decimal:
    return sum(
        (
            amount / ((1 + part * rate) * (1 + rate) ** whole)
            for amount, (whole, part) in zip(amounts, timing, strict=True)
        ),
        Decimal(0),
    )


def _periodic_rate(amounts: Sequence[Decimal], timing) -> Decimal:
    """i, by bisection: with the loan first and payments after, the flows' present value
    falls as the rate rises, so the one root lies between a rate that leaves it positive and
    one that leaves it negative."""
    low, high = Decimal("-0.99"), Decimal("1")
    while _present_value(amounts, timing, high) > 0:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if _present_value(amounts, timing, middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < Decimal("1e-18"):
            break
    return (low + high) / 2
