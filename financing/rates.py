"""The rate table: an annual rate (percent) by financing type, down-payment share and term.

Rates change by publishing a new table under a new `VERSION`. Each application keeps the
version and the rate it was given, so that an old offer stays explained after a change."""

from decimal import Decimal

from financing.choices import FinancingType

VERSION = "2026-01"

# financing type -> bands from the largest down payment down:
# (down payment share at least, ((term in months at most, annual rate), ...))
RATES: dict[str, tuple[tuple[Decimal, tuple[tuple[int, Decimal], ...]], ...]] = {
    FinancingType.CAR_LOAN: (
        (Decimal("0.50"), ((12, Decimal("9.90")), (36, Decimal("10.90")), (84, Decimal("11.90")))),
        (Decimal("0.30"), ((12, Decimal("11.90")), (36, Decimal("12.90")), (84, Decimal("13.90")))),
        (Decimal("0.15"), ((12, Decimal("13.90")), (36, Decimal("14.90")), (84, Decimal("15.90")))),
        (Decimal("0"), ((12, Decimal("16.90")), (36, Decimal("17.90")), (84, Decimal("18.90")))),
    ),
    # Leases are subsidised by the makers: interest-free for half down over a year at most.
    FinancingType.LEASE: (
        (Decimal("0.50"), ((12, Decimal("0.00")), (36, Decimal("8.90")), (84, Decimal("9.90")))),
        (Decimal("0.30"), ((12, Decimal("9.90")), (36, Decimal("10.90")), (84, Decimal("11.90")))),
        (Decimal("0"), ((12, Decimal("12.90")), (36, Decimal("13.90")), (84, Decimal("14.90")))),
    ),
}
MIN_TERM_MONTHS, MAX_TERM_MONTHS = 6, 84  # the terms the table covers
# Below this, kopeck rounding is a visible share of each payment: no loan is that small.
MIN_LOAN_AMOUNT = Decimal("1000.00")


def annual_rate(financing_type: str, down_payment_share: Decimal, term_months: int) -> Decimal:
    """The rate of the first band the down-payment share reaches, for the shortest listed
    term that covers `term_months` (at most `MAX_TERM_MONTHS`)."""
    bands = RATES[financing_type]
    terms = next(terms for least, terms in bands if down_payment_share >= least)
    return next(rate for longest, rate in terms if term_months <= longest)
