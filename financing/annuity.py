"""Annuity schedules, exact to the kopeck (docs/api.md, "Money").

Plain `Decimal` arithmetic on plain values: no model, setting or database, so scoring, the
calculator and the stored schedules all come from these few functions.

- The payment is P = S·i / (1 − (1 + i)^−n), i = annual rate / 12, rounded to kopecks
  (ROUND_HALF_UP); at 0% it is S / n, rounded.
- Each month's interest is the balance × i, rounded the same way; the principal is the
  payment less the interest.
- The last payment absorbs what rounding left over: the principal adds up exactly to S and
  the balance ends at 0.00.
- A loan with a balloon B (остаточный платёж) pays B with its last installment:
  P = (S − B·(1 + i)^−n)·i / (1 − (1 + i)^−n), at 0% (S − B) / n.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from common.money import to_cents

PRECISION = 40  # significant digits for (1 + i)^−n; kopecks of a trillion need far fewer


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal  # what is still owed after this payment


def monthly_rate(annual_rate: Decimal) -> Decimal:
    """The monthly rate as a fraction, from an annual rate in percent (12.5 → 0.0104166…)."""
    with localcontext() as context:
        context.prec = PRECISION
        return annual_rate / Decimal(1200)


def monthly_payment(
    amount: Decimal, annual_rate: Decimal, term_months: int, *, balloon: Decimal = Decimal(0)
) -> Decimal:
    with localcontext() as context:
        context.prec = PRECISION
        i = monthly_rate(annual_rate)
        if not i:
            return to_cents((amount - balloon) / term_months)
        discount = (1 + i) ** -term_months
        return to_cents((amount - balloon * discount) * i / (1 - discount))


def months_after(start: date, months: int, *, day: int | None = None) -> date:
    """`months` months after `start`, on `day` (by default start's day), or on the last day
    of a month too short for it: from 31 January, 28 (29) February, then 31 March."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(day or start.day, calendar.monthrange(year, month)[1]))


def schedule(
    amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    *,
    first_due_date: date,
    day: int | None = None,
    balloon: Decimal = Decimal(0),
) -> list[Installment]:
    """The `term_months` installments of a loan of `amount` at `annual_rate` percent a year,
    due monthly from `first_due_date` on `day` of the month (by default the first due date's),
    the last of them with the `balloon` too.
    """
    payment = monthly_payment(amount, annual_rate, term_months, balloon=balloon)
    i = monthly_rate(annual_rate)
    day = day or first_due_date.day
    balance = amount
    rows = []
    for number in range(1, term_months + 1):
        interest = to_cents(balance * i)
        last = number == term_months
        principal = balance if last else payment - interest
        balance -= principal
        rows.append(
            Installment(
                number=number,
                due_date=months_after(first_due_date, number - 1, day=day),
                payment=principal + interest,
                principal=principal,
                interest=interest,
                balance=balance,
            )
        )
    return rows
