"""ПСК by 353-ФЗ, ст. 6 (financing/full_cost.py): worked examples whose rate is known in closed
form, or solved apart from the function, each to 0.001 percentage points. Pure arithmetic."""

from datetime import date
from decimal import Decimal

import pytest

from financing.annuity import schedule
from financing.full_cost import CashFlow, base_period, full_cost

ISSUED = date(2026, 1, 15)


def loan(amount: str, *payments: tuple[date, str]) -> list[CashFlow]:
    return [CashFlow(ISSUED, -Decimal(amount))] + [
        CashFlow(on, Decimal(paid)) for on, paid in payments
    ]


def monthly(rows, *, fee: str = "0") -> list[CashFlow]:
    """An annuity schedule's flows: the loan, a fee paid the day it is given, the payments."""
    amount = sum(row.principal for row in rows)
    flows = [CashFlow(ISSUED, -amount)]
    if Decimal(fee):
        flows.append(CashFlow(ISSUED, Decimal(fee)))
    return flows + [CashFlow(row.due_date, row.payment) for row in rows]


def test_a_year_then_ten_percent_more_is_ten_percent_with_the_year_as_its_base_period():
    cost = full_cost(loan("100000", (date(2027, 1, 15), "110000")))

    assert (cost.percent, cost.base_period, cost.periods_per_year) == (Decimal("10.000"), "year", 1)
    assert cost.amount == Decimal("10000.00")


def test_interest_only_at_one_percent_a_month_then_the_principal_as_a_balloon_is_twelve():
    # i = 1 % solves it exactly: each month's 10,000 is the interest, the last pays it all back.
    months = [(date(2026, m, 15), "10000") for m in range(2, 13)]
    cost = full_cost(loan("1000000", *months, (date(2027, 1, 15), "1010000")))

    assert (cost.percent, cost.base_period, cost.periods_per_year) == (
        Decimal("12.000"),
        "month",
        12,
    )
    assert cost.amount == Decimal("120000.00")


def test_an_annuity_without_fees_costs_its_nominal_rate_and_its_interest_in_money():
    rows = schedule(Decimal("1000000.00"), Decimal("12"), 60, first_due_date=date(2026, 2, 15))

    cost = full_cost(monthly(rows))

    assert cost.percent == Decimal("12.000")
    assert cost.amount == Decimal("334666.80")  # 59 × 22,244.45 + 22,244.25 − 1,000,000


def test_an_annuity_with_a_balloon_costs_its_nominal_rate_and_the_balloon_is_paid_last():
    rows = schedule(
        Decimal("1000000.00"),
        Decimal("12"),
        36,
        first_due_date=date(2026, 2, 15),
        balloon=Decimal("400000.00"),
    )

    cost = full_cost(monthly(rows))

    # P = (1,000,000 − 400,000 / 1.01³⁶) × 0.01 / (1 − 1.01⁻³⁶) = 23,928.59
    assert rows[0].payment == Decimal("23928.59")
    assert rows[-1].payment == Decimal("423928.44")  # the balloon and the last month's due
    assert cost.percent == Decimal("12.000")
    assert cost.amount == sum(row.payment for row in rows) - Decimal("1000000.00")


def test_a_fee_paid_when_the_loan_is_given_raises_the_cost_above_the_nominal_rate():
    rows = schedule(Decimal("1000000.00"), Decimal("12"), 12, first_due_date=date(2026, 2, 15))

    cost = full_cost(monthly(rows, fee="10000.00"))

    # 990,000 = 88,848.79 × Σₖ (1 + i)⁻ᵏ, k = 1…12, solved apart by bisection: i × 1200 =
    # 13.91314 %.
    assert rows[0].payment == Decimal("88848.79")
    assert cost.percent == Decimal("13.913")
    assert cost.amount == Decimal("76185.45")  # 12 payments and the fee, less the million


def test_a_first_period_longer_than_a_month_counts_its_days_as_a_share_of_a_month():
    # Given 1 January, paid on the 16th of the next three months at i = 1 % a month: each
    # payment is 1 whole month (q) and 15 days (e = 15 / (365 / 12)) further on than the one
    # before it, so the loan is Σ 34,000 / ((1 + 0.01e)·1.01^q) = 99,502.80 to the kopeck.
    flows = [
        CashFlow(date(2026, 1, 1), Decimal("-99502.80")),
        CashFlow(date(2026, 2, 16), Decimal("34000")),
        CashFlow(date(2026, 3, 16), Decimal("34000")),
        CashFlow(date(2026, 4, 16), Decimal("34000")),
    ]

    cost = full_cost(flows)

    assert (cost.base_period, cost.percent) == ("month", Decimal("12.000"))


def test_with_no_standard_interval_the_base_period_is_a_day_and_a_year_is_365_of_them():
    flows = [
        CashFlow(date(2026, 1, 1), Decimal("-100000")),
        CashFlow(date(2026, 1, 16), Decimal("100500")),
    ]

    cost = full_cost(flows)

    # (1 + i)¹⁵ = 1.005: i = 0.000332558…, × 365 × 100 = 12.13837 %.
    assert (cost.base_period, cost.periods_per_year) == ("day", 365)
    assert cost.percent == Decimal("12.138")


@pytest.mark.parametrize(
    ("dates", "period"),
    [
        # kept on the 31st: 28 February and 31 March are a month apart too
        ([date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)], "month"),
        # kept on the 30th
        ([date(2026, 1, 30), date(2026, 2, 28), date(2026, 3, 30)], "month"),
        # a week apart: not a standard interval
        ([date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)], "day"),
        ([date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 2)], "day"),  # a tie: the shorter
    ],
)
def test_the_base_period_is_the_standard_interval_found_most_often(dates, period):
    assert base_period(dates) == period


def test_flows_that_do_not_start_with_the_loan_are_refused():
    with pytest.raises(ValueError, match="start with the loan"):
        full_cost([CashFlow(ISSUED, Decimal("100"))])
    with pytest.raises(ValueError, match="before the loan"):
        full_cost(loan("100", (date(2026, 1, 1), "101")))
