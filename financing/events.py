"""Events the financing domain emits (docs/architecture.md §3.4). Orders notes each of them on the
order and in its live feed, from the payload alone."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from catalog.choices import DEFAULT_CURRENCY
from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    Date,
    DateTime,
    Money,
    NonEmpty,
    Schema,
    Uuid,
    described,
)
from financing.choices import ApplicationStatus
from financing.models import BankOffer, CreditDiscount, LoanApplication


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FinancingPayload:
    """The fields every financing payload below carries, in order."""

    id: Uuid = described("The loan application.")
    order_id: Uuid = described("The order financed.")
    customer_id: Uuid = described("The applicant's user account.")
    status: str = described("Each type below declares its own.")
    amount: Money = described(
        "The loan amount (vehicle price less down payment): a decimal amount as a string."
    )
    currency: Currency = described("ISO 4217 code of the loan's currency, e.g. RUB.")
    financing_type: Literal["car_loan", "lease"] = described("A car loan or a lease.")
    term_months: Annotated[int, Schema(minimum=6, maximum=84)] = described("The term in months.")
    annual_rate: Money = described(
        "The annual interest rate in percent, e.g. 12.90: a decimal as a string."
    )
    monthly_payment: Money = described("The monthly annuity payment: a decimal amount as a string.")
    rate_table_version: NonEmpty = described(
        "The version of the rate table that priced it, e.g. 2026-01."
    )


@dataclass(frozen=True)
class LoanApplicationSubmitted(_FinancingPayload):
    """A customer applied for a loan or lease for an order; scoring approved it, rejected it
    or left it to staff."""

    status: Literal["pending_review", "approved", "rejected"] = described(
        "The status scoring gave the application."
    )


@dataclass(frozen=True)
class LoanApplicationApproved(_FinancingPayload):
    """A loan application was approved, by scoring or by staff."""

    status: Literal["approved"] = described("The application's status: approved.")


@dataclass(frozen=True)
class LoanApplicationRejected(_FinancingPayload):
    """A loan application was rejected, by scoring or by staff."""

    status: Literal["rejected"] = described("The application's status: rejected.")


@dataclass(frozen=True)
class LoanApplicationWithdrawn(_FinancingPayload):
    """An open loan application was withdrawn because its order was cancelled."""

    # Its description is version 1's, word for word, as a rename's must be (docs/events.md,
    # "Names"): the buyer giving the loan up withdraws it too (docs/financing.md).

    status: Literal["withdrawn"] = described("The application's status: withdrawn.")


@dataclass(frozen=True)
class LoanApplicationDiscounted(_FinancingPayload):
    """The dealer's credit discount was taken as the application went to the partner banks:
    the order's price and the loan (`amount`) are both lower by it (docs/financing.md, "The
    credit discount"); it goes back into the price if the loan is not taken."""

    status: Literal["pending_review", "approved"] = described("The application's status.")
    vehicle_price: Money = described("The car's price after the discount.")
    down_payment: Money = described("The down payment, as it was.")
    credit_discount: Money = described("The discount: a decimal amount as a string.")
    credit_discount_name: NonEmpty = described("The discount's name, as the buyer reads it.")


@dataclass(frozen=True)
class _LoanAtLenderPayload(_FinancingPayload):
    """The fields every payload of a loan with its lender carries, in order: a financing
    payload's, then the lender's."""

    lender: str = described(
        "The lender the loan went to (FINANCING_LENDER: fake or manual); empty until sent."
    )
    lender_reference: str = described(
        "The lender's reference for the application; empty for a lender without an API."
    )
    disbursement_reference: str | None = described(
        "The reference of the lender's payment, once disbursed."
    )
    sent_to_lender_at: DateTime | None = described("When the application went to the lender.")
    disbursed_at: DateTime | None = described("When the lender's money was recorded.")
    returned_at: DateTime | None = described(
        "When the loan was sent back to the lender (the order was cancelled)."
    )


@dataclass(frozen=True)
class LoanApplicationSentToLender(_LoanAtLenderPayload):
    """An approved loan whose down payment is in went to the lender, which is to pay the
    rest of the order."""

    status: Literal["approved"] = described("The application's status: approved.")


@dataclass(frozen=True)
class LoanApplicationDisbursed(_LoanAtLenderPayload):
    """The lender paid the loan amount (`amount`) to the dealership against the order;
    payments records it in the ledger, once (docs/deal.md)."""

    status: Literal["disbursed"] = described("The application's status: disbursed.")


@dataclass(frozen=True)
class LoanApplicationReturned(_LoanAtLenderPayload):
    """The order was cancelled after the lender paid: the loan amount (`amount`) goes back
    to the lender, never to the customer; payments records the return in the ledger."""

    status: Literal["returned"] = described("The application's status: returned.")


@dataclass(frozen=True)
class _LoanOfferPayload:
    """A partner bank's answer to an application (docs/financing.md, "Offers")."""

    id: Uuid = described("The offer.")
    application_id: Uuid = described("The loan application it answers.")
    order_id: Uuid = described("The order financed.")
    customer_id: Uuid = described("The applicant's user account.")
    bank_id: Uuid = described("The partner bank.")
    bank: NonEmpty = described("The bank's name, as the buyer reads it.")
    status: str = described("Each type below declares its own.")
    currency: Currency = described("ISO 4217 code of the loan's currency, e.g. RUB.")
    amount: Money | None = described(
        "The loan offered: a decimal amount as a string; null if none."
    )
    annual_rate: Money | None = described("The annual rate in percent; null if no offer.")
    term_months: int | None = described("The term in months; null if no offer.")
    monthly_payment: Money | None = described("The monthly payment; null if no offer.")
    full_cost_percent: str | None = described(
        "The full cost of credit (353-FZ, art. 6) in percent a year, to three places; null if"
        " no offer."
    )
    full_cost_amount: Money | None = described(
        "The full cost of credit in money: everything paid beyond the loan; null if no offer."
    )
    valid_until: DateTime | None = described("Until when the offer may be taken; null if none.")
    reason: str = described("Why the bank refused, or did not answer; empty otherwise.")


@dataclass(frozen=True)
class LoanOfferAnswered(_LoanOfferPayload):
    """A partner bank answered an application, or did not within its time: an offer, a
    refusal with its reason, or no answer."""

    status: Literal["offered", "refused", "timed_out"] = described("What the bank answered.")


@dataclass(frozen=True)
class LoanOfferChosen(_LoanOfferPayload):
    """The buyer chose this bank's offer: the loan goes on with it, the others are declined."""

    status: Literal["chosen"] = described("The offer's status: chosen.")


@dataclass(frozen=True)
class _CreditDiscountPayload:
    """The fields every credit discount payload below carries, in order: the dealer's
    discount for buying on credit and the cars it is for (docs/financing.md, "The credit
    discount")."""

    id: Uuid = described("The credit discount.")
    name: NonEmpty = described("Its name, as buyers read it.")
    amount: Money = described("How much the car's price falls: a decimal amount as a string.")
    currency: Currency = described("ISO 4217 code of the amount's currency, e.g. RUB.")
    condition: Literal["", "new", "used"] = described("For new cars, used ones, or any (empty).")
    max_price: Money | None = described("The highest price of a car it is for, or null.")
    makes: list[str] = described("The makes it is for; empty: every make.")
    valid_from: Date = described("The first day it holds.")
    valid_until: Date | None = described("The last day it holds, or null.")
    min_loan_amount: Money = described("The least loan the buyer must take after it.")
    min_term_months: Annotated[int, Schema(minimum=0)] = described("The shortest loan term.")
    is_active: bool = described("Whether it is offered.")
    updated_at: DateTime = described(
        "When it was last changed, or deleted: the newest report wins."
    )


@dataclass(frozen=True)
class CreditDiscountCreated(_CreditDiscountPayload):
    """The dealer added a credit discount."""


@dataclass(frozen=True)
class CreditDiscountUpdated(_CreditDiscountPayload):
    """A credit discount changed: its amount, its cars or its dates, or it was stopped
    (`is_active` false) or offered again."""


@dataclass(frozen=True)
class CreditDiscountDeleted(_CreditDiscountPayload):
    """A credit discount was deleted: it is offered no more."""

    is_active: Literal[False] = described("Always false: it is offered no more.")


# EVENT TYPES
# ------------------------------------------------------------------------------
# Named `financing.*` up to version 1; renamed at version 2 after their subject, the loan
# application, and published under the old names too for version 2 (docs/events.md, "Names").
LOAN_APPLICATION_SUBMITTED = DomainEvent(
    "loan_application.submitted",
    payload=LoanApplicationSubmitted,
    app_label="financing",
    schema_version=2,
    formerly="financing.submitted",
)
LOAN_APPLICATION_APPROVED = DomainEvent(
    "loan_application.approved",
    payload=LoanApplicationApproved,
    app_label="financing",
    schema_version=2,
    formerly="financing.approved",
)
LOAN_APPLICATION_REJECTED = DomainEvent(
    "loan_application.rejected",
    payload=LoanApplicationRejected,
    app_label="financing",
    schema_version=2,
    formerly="financing.rejected",
)
LOAN_APPLICATION_WITHDRAWN = DomainEvent(
    "loan_application.withdrawn",
    payload=LoanApplicationWithdrawn,
    app_label="financing",
    schema_version=2,
    formerly="financing.withdrawn",
)
# The lender's part of the deal (docs/deal.md, "The loan").
LOAN_APPLICATION_SENT_TO_LENDER = DomainEvent(
    "loan_application.sent_to_lender",
    payload=LoanApplicationSentToLender,
    app_label="financing",
    schema_version=2,
    formerly="financing.sent_to_lender",
)
LOAN_APPLICATION_DISBURSED = DomainEvent(
    "loan_application.disbursed",
    payload=LoanApplicationDisbursed,
    app_label="financing",
    schema_version=2,
    formerly="financing.disbursed",
)
LOAN_APPLICATION_RETURNED = DomainEvent(
    "loan_application.returned",
    payload=LoanApplicationReturned,
    app_label="financing",
    schema_version=2,
    formerly="financing.returned",
)
LOAN_APPLICATION_DISCOUNTED = DomainEvent(
    "loan_application.discounted", payload=LoanApplicationDiscounted, app_label="financing"
)
# Partner banks' offers (docs/financing.md, "Offers").
LOAN_OFFER_ANSWERED = DomainEvent(
    "loan_offer.answered", payload=LoanOfferAnswered, app_label="financing"
)
LOAN_OFFER_CHOSEN = DomainEvent("loan_offer.chosen", payload=LoanOfferChosen, app_label="financing")


# The dealer's credit discounts, for whoever shows them (the classifieds' feeds, docs/feeds.md).
CREDIT_DISCOUNT_CREATED = DomainEvent(
    "credit_discount.created", payload=CreditDiscountCreated, app_label="financing"
)
CREDIT_DISCOUNT_UPDATED = DomainEvent(
    "credit_discount.updated", payload=CreditDiscountUpdated, app_label="financing"
)
CREDIT_DISCOUNT_DELETED = DomainEvent(
    "credit_discount.deleted", payload=CreditDiscountDeleted, app_label="financing"
)


# The event that reports a decision, by the status decided.
DECIDED = {
    ApplicationStatus.APPROVED: LOAN_APPLICATION_APPROVED,
    ApplicationStatus.REJECTED: LOAN_APPLICATION_REJECTED,
}


def application_payload(application: LoanApplication) -> dict:
    return {
        "id": str(application.pk),
        "order_id": str(application.order_id),
        "customer_id": str(application.customer_id),
        "status": application.status,
        "amount": str(application.loan_amount),
        "currency": application.currency,
        "financing_type": application.financing_type,
        "term_months": application.term_months,
        "annual_rate": str(application.annual_rate),
        "monthly_payment": str(application.monthly_payment),
        "rate_table_version": application.rate_table_version,
    }


def discounted_payload(application: LoanApplication) -> dict:
    return {
        **application_payload(application),
        "vehicle_price": str(application.vehicle_price),
        "down_payment": str(application.down_payment),
        "credit_discount": str(application.credit_discount),
        "credit_discount_name": application.credit_discount_name,
    }


def _moment(value) -> str | None:
    return None if value is None else value.isoformat()


def loan_payload(application: LoanApplication, **overrides) -> dict:
    """An application and where its money stands with the lender; `amount` is the loan."""
    return {
        **application_payload(application),
        "lender": application.lender,
        "lender_reference": application.lender_reference,
        "disbursement_reference": application.disbursement_reference,
        "sent_to_lender_at": _moment(application.sent_to_lender_at),
        "disbursed_at": _moment(application.disbursed_at),
        "returned_at": _moment(application.returned_at),
        **overrides,
    }


def offer_payload(offer: BankOffer) -> dict:
    application = offer.application

    def text(value) -> str | None:
        return None if value is None else str(value)

    return {
        "id": str(offer.pk),
        "application_id": str(application.pk),
        "order_id": str(application.order_id),
        "customer_id": str(application.customer_id),
        "bank_id": str(offer.bank_id),
        "bank": offer.bank.name,
        "status": offer.status,
        "currency": application.currency,
        "amount": text(offer.amount),
        "annual_rate": text(offer.annual_rate),
        "term_months": offer.term_months,
        "monthly_payment": text(offer.monthly_payment),
        "full_cost_percent": text(offer.full_cost_percent),
        "full_cost_amount": text(offer.full_cost_amount),
        "valid_until": _moment(offer.valid_until),
        "reason": offer.reason,
    }


def credit_discount_payload(discount: CreditDiscount) -> dict:
    def money(value) -> str:
        return f"{Decimal(value):.2f}"  # as typed in, or as stored

    return {
        "id": str(discount.pk),
        "name": discount.name,
        "amount": money(discount.amount),
        "currency": DEFAULT_CURRENCY,
        "condition": discount.condition,
        "max_price": None if discount.max_price is None else money(discount.max_price),
        "makes": list(discount.makes),
        "valid_from": discount.valid_from.isoformat(),
        "valid_until": discount.valid_until.isoformat() if discount.valid_until else None,
        "min_loan_amount": money(discount.min_loan_amount),
        "min_term_months": discount.min_term_months,
        "is_active": discount.is_active,
        "updated_at": discount.updated_at.isoformat(),
    }
