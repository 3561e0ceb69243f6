"""The annuity schedule, exact to the kopeck: pure arithmetic, no database."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from financing import rates
from financing.annuity import monthly_payment, months_after, schedule
from tests.properties import sized_property

START = date(2026, 1, 15)


def test_a_million_at_twelve_percent_over_sixty_months_to_the_kopeck():
    rows = schedule(Decimal("1000000.00"), Decimal("12"), 60, first_due_date=START)

    assert monthly_payment(Decimal("1000000.00"), Decimal("12"), 60) == Decimal("22244.45")
    first, last = rows[0], rows[-1]
    assert (first.payment, first.interest, first.principal) == (
        Decimal("22244.45"),
        Decimal("10000.00"),
        Decimal("12244.45"),
    )
    assert first.balance == Decimal("987755.55")
    assert (last.number, last.payment, last.balance) == (60, Decimal("22244.25"), Decimal("0.00"))
    assert sum(row.payment for row in rows) == Decimal("1334666.80")
    assert sum(row.principal for row in rows) == Decimal("1000000.00")


def test_at_zero_percent_the_payment_is_the_amount_over_the_term_and_the_last_takes_the_rest():
    rows = schedule(Decimal("1000.00"), Decimal("0"), 7, first_due_date=START)

    assert [row.payment for row in rows] == [Decimal("142.86")] * 6 + [Decimal("142.84")]
    assert {row.interest for row in rows} == {Decimal("0.00")}
    assert rows[-1].balance == Decimal("0.00")


def test_a_schedule_anchored_on_the_31st_falls_on_month_ends_and_comes_back_to_the_31st():
    rows = schedule(Decimal("600.00"), Decimal("10"), 6, first_due_date=date(2027, 12, 31))

    assert [row.due_date for row in rows] == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),  # a leap year
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
    ]


def test_the_anchor_day_can_be_later_than_the_first_due_date():
    """An application made on 31 January: first due on the last day of February, then the
    31st again."""
    first = months_after(date(2026, 1, 31), 1)

    rows = schedule(Decimal("600.00"), Decimal("10"), 3, first_due_date=first, day=31)

    assert [row.due_date for row in rows] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


any_amount = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2)
any_rate = st.one_of(
    st.just(Decimal("0.00")), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"))
)


@sized_property()
@given(amount=any_amount, annual_rate=any_rate, term_months=st.integers(min_value=1, max_value=360))
def test_the_principal_adds_up_to_the_loan_and_every_payment_but_the_last_is_the_annuity(
    amount, annual_rate, term_months
):
    rows = schedule(amount, annual_rate, term_months, first_due_date=START)
    payment = monthly_payment(amount, annual_rate, term_months)

    assert len(rows) == term_months
    assert sum(row.principal for row in rows) == amount
    assert rows[-1].balance == Decimal("0.00")
    assert all(row.payment == payment for row in rows[:-1])
    assert all(row.payment == row.principal + row.interest for row in rows)
    assert all(row.payment.as_tuple().exponent == -2 for row in rows)


@sized_property()
@given(
    amount=st.decimals(
        min_value=rates.MIN_LOAN_AMOUNT, max_value=Decimal("999999999999.99"), places=2
    ),
    annual_rate=st.one_of(
        st.just(Decimal("0.00")), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30"))
    ),
    term_months=st.integers(min_value=rates.MIN_TERM_MONTHS, max_value=rates.MAX_TERM_MONTHS),
)
def test_loans_the_table_offers_pay_down_the_balance_every_month(amount, annual_rate, term_months):
    """From the smallest loan offered up, rounding never makes a principal negative, so the
    balance only goes down and the last payment is a real one."""
    rows = schedule(amount, annual_rate, term_months, first_due_date=START)

    assert all(row.principal > 0 and row.interest >= 0 for row in rows)
    balances = [amount, *(row.balance for row in rows)]
    assert balances == sorted(balances, reverse=True)
    assert rows[-1].balance == Decimal("0.00")


@sized_property()
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    count=st.integers(min_value=1, max_value=120),
)
def test_due_dates_are_monthly_on_the_anchor_day_or_the_month_end(start, count):
    rows = schedule(Decimal("100.00"), Decimal("5"), count, first_due_date=start)

    for row, previous in zip(rows[1:], rows, strict=False):
        months = (row.due_date.year - previous.due_date.year) * 12
        assert months + row.due_date.month - previous.due_date.month == 1
        next_month_start = months_after(row.due_date.replace(day=1), 1)
        assert row.due_date.day == start.day or next_month_start.toordinal() - 1 == (
            row.due_date.toordinal()
        )
