"""What a partner bank's programme gives a loan case: whether the programme takes the car and
the down payment, the state programme that lowers its rate, and an offer's exact terms, its
schedule and its full cost (docs/financing.md, "Offers"). It reads rows it is given and
writes nothing, so the demo banks, the HTTP and manual banks' answers and the storefront's
calculator all come to the same numbers."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from common.money import to_cents
from financing import annuity
from financing.full_cost import CashFlow, FullCost, full_cost
from financing.models import BankProgramme, CreditDiscount, StateProgramme
from financing.models.banks import DealerRule

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LoanCase:
    """What the banks are asked: the car, its price, the down payment and the term."""

    vehicle_price: Decimal
    down_payment: Decimal
    term_months: int
    condition: str  # "new" or "used"
    make: str
    year: int | None
    first_car: bool
    applied_on: date
    has_vehicle: bool = True  # an order of accessories alone has none: no car's discount

    @property
    def loan_amount(self) -> Decimal:
        return to_cents(self.vehicle_price - self.down_payment)

    @property
    def down_payment_percent(self) -> Decimal:
        return self.down_payment * HUNDRED / self.vehicle_price

    def discounted(self, amount: Decimal) -> "LoanCase":
        """The case with the car's price lowered by a credit discount of `amount`."""
        return replace(self, vehicle_price=self.vehicle_price - amount)


@dataclass(frozen=True)
class OfferTerms:
    """A loan's exact terms: its schedule, what it costs by 353-FZ and in all."""

    amount: Decimal
    annual_rate: Decimal
    term_months: int
    monthly_payment: Decimal
    balloon: Decimal
    insurance_premium: Decimal
    full_cost: FullCost
    total_to_pay: Decimal  # the payments and the premium: what the loan takes back
    schedule: list[annuity.Installment]


def _makes_fit(makes: list[str], make: str) -> bool:
    return not makes or make.casefold() in {m.casefold() for m in makes}


def programme_misfit(programme: BankProgramme, case: LoanCase) -> str | None:
    """Why `programme` does not take `case` (the first rule it breaks), or None if it does."""
    if not programme.min_term_months <= case.term_months <= programme.max_term_months:
        return "term"
    if case.down_payment_percent < programme.min_down_payment_percent:
        return "down_payment"
    if programme.condition and programme.condition != case.condition:
        return "condition"
    if programme.max_vehicle_age_years is not None and (
        # a car of unknown year is this year's if new, too old to tell if used
        (case.year is None and case.condition != "new")
        or (
            case.year is not None
            and case.applied_on.year - case.year > programme.max_vehicle_age_years
        )
    ):
        return "age"
    if programme.min_price is not None and case.vehicle_price < programme.min_price:
        return "price"
    if programme.max_price is not None and case.vehicle_price > programme.max_price:
        return "price"
    if not _makes_fit(programme.makes, case.make):
        return "make"
    return None


def best_programme(programmes: list[BankProgramme], case: LoanCase) -> BankProgramme | None:
    """The active programme with the lowest rate that takes the case, if any."""
    fitting = [p for p in programmes if p.is_active and programme_misfit(p, case) is None]
    return min(fitting, key=lambda p: (p.annual_rate, str(p.pk)), default=None)


def rule_holds(rule: DealerRule, case: LoanCase) -> bool:
    """Whether a state programme's or a credit discount's common rules hold for `case`: in
    force on the day applied for, for its cars and its price."""
    return (
        rule.is_active
        and rule.valid_from <= case.applied_on
        and (rule.valid_until is None or case.applied_on <= rule.valid_until)
        and (not rule.condition or rule.condition == case.condition)
        and (rule.max_price is None or case.vehicle_price <= rule.max_price)
        and _makes_fit(rule.makes, case.make)
    )


def state_programme_for(programmes: list[StateProgramme], case: LoanCase) -> StateProgramme | None:
    """The state programme, in force on the day applied for, that lowers the rate most."""

    def holds(programme: StateProgramme) -> bool:
        return rule_holds(programme, case) and (case.first_car or not programme.first_car_only)

    return max(filter(holds, programmes), key=lambda p: p.rate_discount, default=None)


def credit_discount_for(discounts: list[CreditDiscount], case: LoanCase) -> CreditDiscount | None:
    """The dealer's credit discount `case` earns, the largest that holds: the loan left after
    it at least its least loan (and above nothing), the term at least its shortest."""

    def holds(discount: CreditDiscount) -> bool:
        left = case.loan_amount - discount.amount
        return (
            rule_holds(discount, case)
            and left > 0
            and left >= discount.min_loan_amount
            and case.term_months >= discount.min_term_months
        )

    return max(filter(holds, discounts), key=lambda d: (d.amount, str(d.pk)), default=None)


def programme_offer(
    programme: BankProgramme, case: LoanCase, state: StateProgramme | None
) -> OfferTerms:
    """What `programme` offers `case`: its rate less the state programme's points (never
    below zero), its insurance and its balloon."""
    rate = programme.annual_rate - (state.rate_discount if state else 0)
    years = Decimal(case.term_months) / 12
    return offer_terms(
        amount=case.loan_amount,
        annual_rate=max(rate, Decimal("0.00")),
        term_months=case.term_months,
        balloon=to_cents(case.vehicle_price * programme.balloon_percent / HUNDRED),
        insurance_premium=to_cents(case.loan_amount * programme.insurance_percent / HUNDRED * years)
        if programme.insurance_required
        else Decimal("0.00"),
        issued_on=case.applied_on,
    )


def offer_terms(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    issued_on: date,
    balloon: Decimal = Decimal("0.00"),
    insurance_premium: Decimal = Decimal("0.00"),
) -> OfferTerms:
    """A loan of `amount` given on `issued_on`: installments monthly from a month later on
    that day, a premium paid the day it is given, and their full cost."""
    rows = annuity.schedule(
        amount,
        annual_rate,
        term_months,
        first_due_date=annuity.months_after(issued_on, 1),
        day=issued_on.day,
        balloon=balloon,
    )
    flows = [CashFlow(issued_on, -amount)]
    if insurance_premium:
        flows.append(CashFlow(issued_on, insurance_premium))
    flows += [CashFlow(row.due_date, row.payment) for row in rows]
    paid = sum((row.payment for row in rows), Decimal("0.00"))
    return OfferTerms(
        amount=amount,
        annual_rate=annual_rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        term_months=term_months,
        monthly_payment=rows[0].payment,
        balloon=balloon,
        insurance_premium=insurance_premium,
        full_cost=full_cost(flows),
        total_to_pay=paid + insurance_premium,
        schedule=rows,
    )
