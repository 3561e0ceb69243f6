"""Reads of the financing domain, scoped to who asks: a client sees only their own."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from financing import offers, rates, scoring
from financing.choices import ApplicationStatus, FinancingType, OfferStatus
from financing.models import Bank, BankOffer, LoanApplication, LoanInstallment, StateProgramme


@dataclass(frozen=True)
class LoanTerms:
    """What the rate table offers at best: the storefront's finance offer."""

    lowest_rate: Decimal
    min_term_months: int
    max_term_months: int
    rate_table_version: str


def loan_terms(*, financing_type: str = FinancingType.CAR_LOAN) -> LoanTerms:
    return LoanTerms(
        lowest_rate=min(rate for _, terms in rates.RATES[financing_type] for _, rate in terms),
        min_term_months=rates.MIN_TERM_MONTHS,
        max_term_months=rates.MAX_TERM_MONTHS,
        rate_table_version=rates.VERSION,
    )


def payment_estimate(
    *,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    financing_type: str = FinancingType.CAR_LOAN,
) -> scoring.PaymentEstimate:
    """The monthly payment of a loan of these terms applied for today (docs/deal.md,
    "Scoring"); it writes nothing and decides nothing."""
    return scoring.payment_estimate(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        financing_type=financing_type,
        applied_on=timezone.localdate(),
    )


def loan_offer_today(
    *,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    financing_type: str,
    monthly_income: Decimal,
    existing_monthly_debts: Decimal = Decimal("0.00"),
    employment_status: str | None = None,
    first_due_date: date | None = None,
    email_verified: bool = False,
) -> scoring.LoanOffer:
    """What scoring offers for these terms if applied for today; it writes nothing. The
    employment status is kept on an application, but scoring goes by the debt-to-income
    ratio alone."""
    return scoring.loan_offer(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        financing_type=financing_type,
        monthly_income=monthly_income,
        existing_monthly_debts=existing_monthly_debts,
        applied_on=timezone.localdate(),
        first_due_date=first_due_date,
        email_verified=email_verified,
    )


def application_list(*, user: Actor) -> QuerySet[LoanApplication]:
    applications = LoanApplication.objects.prefetch_related("decisions")
    return visible_to(user, applications)


def application_get(*, user: Actor, application_id: Id) -> LoanApplication:
    """Another client's application is a 404, exactly like a missing one."""
    application = application_list(user=user).filter(pk=application_id).first()
    if application is None:
        raise NotFound
    return application


def loan_papers(*, order_id: Id) -> dict[str, Any] | None:
    """The order's approved loan and its schedule, as its document states it (JSON, the
    money as strings); None when the order has no loan going ahead."""
    application = (
        LoanApplication.objects.filter(
            order_id=order_id,
            status__in=(ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED),
        )
        .order_by("-created_at")
        .first()
    )
    if application is None:
        return None
    return {
        "id": str(application.pk),
        "down_payment": str(application.down_payment),
        "loan_amount": str(application.loan_amount),
        "term_months": application.term_months,
        "annual_rate": str(application.annual_rate),
        "monthly_payment": str(application.monthly_payment),
        "rate_table_version": application.rate_table_version,
        # The partner bank whose offer was chosen, and the full cost it comes to (353-FZ).
        "bank": application.bank.legal_name if application.bank else "",
        "full_cost_percent": None
        if application.full_cost_percent is None
        else str(application.full_cost_percent),
        "full_cost_amount": None
        if application.full_cost_amount is None
        else str(application.full_cost_amount),
        "schedule": [
            {
                "number": row.number,
                "due_date": row.due_date.isoformat(),
                "payment": str(row.payment),
                "principal": str(row.principal),
                "interest": str(row.interest),
                "balance": str(row.balance),
            }
            for row in application.installments.order_by("number")
        ],
    }


def offers_of(*, user: Actor, application_id: Id) -> QuerySet[BankOffer]:
    """An application's offers, cheapest in all first, as whoever may see it sees them."""
    application = application_get(user=user, application_id=application_id)
    return (
        BankOffer.objects.filter(application=application)
        .select_related("bank", "application", "state_programme")
        .order_by(F("total_to_pay").asc(nulls_last=True), "bank__position", "bank__name")
    )


def offer_get(*, user: Actor, offer_id: Id) -> BankOffer:
    """An offer of an application `user` may see; any other is a 404."""
    offer = BankOffer.objects.select_related("bank", "application").filter(pk=offer_id).first()
    if offer is None or not application_list(user=user).filter(pk=offer.application_id).exists():
        raise NotFound
    return offer


def best_offer(offers: Iterable[BankOffer]) -> BankOffer | None:
    """The offer standing that costs the least in all (the payments and the premium); the
    storefront marks it."""
    standing = [o for o in offers if o.status == OfferStatus.OFFERED and o.total_to_pay is not None]
    return min(standing, key=lambda o: (o.total_to_pay, o.bank.position), default=None)


@dataclass(frozen=True)
class FullCostFrom:
    """The least full cost of credit the partner banks' programmes give a loan: "ПСК от …"."""

    percent: Decimal
    banks: int  # how many banks lend on it


def full_cost_from(
    *,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    condition: str,
    make: str,
    year: int | None,
) -> FullCostFrom | None:
    """The lowest full cost among the active banks' best programmes for this car and these
    terms, with the state programmes any buyer gets; None when no bank lends on it."""
    case = offers.LoanCase(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        condition=condition or "new",
        make=make,
        year=year,
        first_car=False,
        applied_on=timezone.localdate(),
    )
    if case.loan_amount < rates.MIN_LOAN_AMOUNT:
        return None
    state = offers.state_programme_for(list(StateProgramme.objects.all()), case)
    costs = [
        offers.programme_offer(programme, case, state).full_cost.percent
        for bank in banks_active()
        if (programme := offers.best_programme(list(bank.programmes.all()), case))
    ]
    return FullCostFrom(min(costs), len(costs)) if costs else None


def bank_name(*, application_id: Id) -> str:
    """The name of the partner bank whose offer the application took; "" if none."""
    name = (
        LoanApplication.objects.filter(pk=application_id)
        .values_list("bank__name", flat=True)
        .first()
    )
    return name or ""


def banks_active() -> QuerySet[Bank]:
    return Bank.objects.filter(is_active=True).prefetch_related("programmes")


def application_schedule(*, user: Actor, application_id: Id) -> QuerySet[LoanInstallment]:
    application = application_get(user=user, application_id=application_id)
    return LoanInstallment.objects.filter(application=application)
