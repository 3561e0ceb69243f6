"""Scoring: the rate, the schedule and the decision a loan would get. It writes nothing, so
the calculator previews exactly what an application is given."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.money import to_cents
from financing import annuity, rates
from financing.choices import ApplicationStatus, FinancingType
from financing.error_codes import FinancingErrorCode
from financing.reasons import Reason, reason

# Debt-to-income, in percent: approved up to the first limit, reviewed by staff up to the
# second, rejected above it. Approval without a person is further limited by the settings
# FINANCING_AUTO_APPROVE_MAX, FINANCING_MIN_DOWN_PAYMENT_PERCENT and FINANCING_INCOME_CAP
# (docs/deal.md, "Scoring").
APPROVED_UP_TO = Decimal("40")
REVIEWED_UP_TO = Decimal("60")
PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class LoanOffer:
    status: ApplicationStatus
    loan_amount: Decimal
    annual_rate: Decimal
    monthly_payment: Decimal
    total_interest: Decimal
    debt_to_income: Decimal  # percent
    reasons: list[Reason]
    rate_table_version: str
    schedule: list[annuity.Installment]


def loan_offer(
    *,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    financing_type: str,
    monthly_income: Decimal,
    existing_monthly_debts: Decimal = Decimal("0.00"),
    applied_on: date,
    first_due_date: date | None = None,
    email_verified: bool = False,
) -> LoanOffer:
    """The offer for a loan of `vehicle_price` less `down_payment` applied for on
    `applied_on`, by an applicant whose e-mail is verified or not. Its installments fall due
    monthly from `first_due_date`, on that day of the month; by default from a month after
    `applied_on`, on the day of the month it was."""
    loan_amount, share, rate = _terms(vehicle_price, down_payment, term_months, financing_type)
    day = None  # the first due date's
    if first_due_date is None:
        first_due_date, day = annuity.months_after(applied_on, 1), applied_on.day
    installments = annuity.schedule(
        loan_amount, rate, term_months, first_due_date=first_due_date, day=day
    )
    payment = annuity.monthly_payment(loan_amount, rate, term_months)
    counted_income = min(monthly_income, settings.FINANCING_INCOME_CAP)
    dti = ((payment + existing_monthly_debts) * 100 / counted_income).quantize(
        PERCENT, rounding=ROUND_HALF_UP
    )
    status, verdict = _decision(dti)
    reasons = [
        reason(
            "rate",
            rate=rate,
            financing_type=FinancingType(financing_type).value,
            term=term_months,
            down=(share * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP),
            table=rates.VERSION,
        ),
        verdict,
    ]
    if counted_income < monthly_income:
        reasons.append(reason("income_capped", cap=settings.FINANCING_INCOME_CAP))
    if status == ApplicationStatus.APPROVED and (
        held := _held_for_review(loan_amount, share, email_verified=email_verified)
    ):
        status = ApplicationStatus.PENDING_REVIEW
        reasons += held
    return LoanOffer(
        status=status,
        loan_amount=loan_amount,
        annual_rate=rate,
        monthly_payment=payment,
        total_interest=sum((row.interest for row in installments), Decimal("0.00")),
        debt_to_income=dti,
        reasons=reasons,
        rate_table_version=rates.VERSION,
        schedule=installments,
    )


@dataclass(frozen=True)
class PaymentEstimate:
    """What a loan of these terms costs, before anyone applies: the storefront's calculator."""

    vehicle_price: Decimal
    down_payment: Decimal
    term_months: int
    loan_amount: Decimal
    annual_rate: Decimal
    monthly_payment: Decimal
    total_interest: Decimal
    rate_table_version: str


def payment_estimate(
    *,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    financing_type: str,
    applied_on: date,
) -> PaymentEstimate:
    """The rate, monthly payment and interest the table gives these terms: the same an
    application applied for on `applied_on` is given, without the applicant's income, so
    without a decision."""
    loan_amount, _share, rate = _terms(vehicle_price, down_payment, term_months, financing_type)
    payment = annuity.monthly_payment(loan_amount, rate, term_months)
    installments = annuity.schedule(
        loan_amount, rate, term_months, first_due_date=annuity.months_after(applied_on, 1)
    )
    return PaymentEstimate(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        loan_amount=loan_amount,
        annual_rate=rate,
        monthly_payment=payment,
        total_interest=sum((row.interest for row in installments), Decimal("0.00")),
        rate_table_version=rates.VERSION,
    )


def _terms(
    vehicle_price: Decimal, down_payment: Decimal, term_months: int, financing_type: str
) -> tuple[Decimal, Decimal, Decimal]:
    """The loan amount, the down payment's share of the price and the table's rate."""
    if down_payment >= vehicle_price:
        raise ApplicationError(
            _("The down payment must be less than the vehicle price."),
            code=FinancingErrorCode.DOWN_PAYMENT_TOO_LARGE,
            details={"down_payment": [_("Must be less than %s.") % vehicle_price]},
        )
    loan_amount = to_cents(vehicle_price - down_payment)
    if loan_amount < rates.MIN_LOAN_AMOUNT:
        raise ApplicationError(
            _("The vehicle price less the down payment must be at least %s.")
            % rates.MIN_LOAN_AMOUNT,
            code=FinancingErrorCode.LOAN_AMOUNT_TOO_SMALL,
            details={"loan_amount": [_("At least %s.") % rates.MIN_LOAN_AMOUNT]},
        )
    share = down_payment / vehicle_price
    return loan_amount, share, rates.annual_rate(financing_type, share, term_months)


def _decision(dti: Decimal) -> tuple[ApplicationStatus, Reason]:
    if dti <= APPROVED_UP_TO:
        return ApplicationStatus.APPROVED, reason("dti_within", dti=dti, limit=APPROVED_UP_TO)
    if dti <= REVIEWED_UP_TO:
        return ApplicationStatus.PENDING_REVIEW, reason("dti_review", dti=dti, limit=APPROVED_UP_TO)
    return ApplicationStatus.REJECTED, reason("dti_over", dti=dti, limit=REVIEWED_UP_TO)


def _held_for_review(loan_amount: Decimal, share: Decimal, *, email_verified: bool) -> list[Reason]:
    """Why scoring may not approve this loan by itself, whatever the ratio: empty if it may."""
    held = []
    if loan_amount > settings.FINANCING_AUTO_APPROVE_MAX:
        held.append(reason("held_amount", max=settings.FINANCING_AUTO_APPROVE_MAX))
    if share * 100 < settings.FINANCING_MIN_DOWN_PAYMENT_PERCENT:
        held.append(
            reason("held_down_payment", percent=settings.FINANCING_MIN_DOWN_PAYMENT_PERCENT)
        )
    if not email_verified:
        held.append(reason("held_unverified"))
    return held
