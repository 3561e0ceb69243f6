"""Events the insurance domain emits (docs/architecture.md §3.4). Every payload carries `id` (the
aggregate: quote, policy or claim), `order_id`, `customer_id`, `status`, `amount` and
`currency`, which orders notes on the order and pushes to its live feed."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    Date,
    DateTime,
    Money,
    NonEmpty,
    Uuid,
    described,
)
from common.money import to_cents
from insurance.models import Claim, Policy, Quote


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _QuotePayload:
    """The fields every quote payload below carries, in order."""

    id: Uuid = described("The quote.")
    order_id: Uuid = described("The order whose vehicle is insured.")
    customer_id: Uuid = described("The customer's user account.")
    status: str = described("Each type below declares its own.")
    amount: Money = described("The premium quoted: a decimal amount as a string, two decimals.")
    currency: Currency = described("ISO 4217 code of the premium's currency, e.g. RUB.")
    insurance_type: Literal["osago", "kasko"] = described(
        "OSAGO (compulsory third-party liability) or KASKO (comprehensive cover)."
    )
    ruleset_version: NonEmpty = described("The version of the pricing rules that priced it.")
    valid_until: DateTime = described("Until when the quote can be bought.")


@dataclass(frozen=True)
class InsuranceQuoteCreated(_QuotePayload):
    """A customer was quoted an insurance premium for an order's vehicle."""

    status: Literal["quoted"] = described("The quote's status: quoted.")


@dataclass(frozen=True)
class InsuranceQuoteCancelled(_QuotePayload):
    """An insurance quote not yet bought was cancelled because its order was cancelled."""

    status: Literal["cancelled"] = described("The quote's status: cancelled.")


@dataclass(frozen=True)
class _PolicyPayload:
    """The fields every policy payload below carries, in order."""

    id: Uuid = described("The policy.")
    order_id: Uuid = described("The order whose vehicle is insured.")
    customer_id: Uuid = described("The policyholder's user account.")
    status: str = described("Each type below declares its own.")
    amount: Money = described("The premium paid so far (0.00): only money that moved is an amount.")
    currency: Currency = described("ISO 4217 code of the policy's currency, e.g. RUB.")
    insurance_type: Literal["osago", "kasko"] = described(
        "OSAGO (compulsory third-party liability) or KASKO (comprehensive cover)."
    )
    number: NonEmpty = described("The policy number, e.g. OSAGO-2026-1A2B3C4D5E.")
    quote_id: Uuid = described("The quote that was bought.")
    premium: Money = described(
        "The policy's price: a decimal amount as a string, two decimals. Owed until paid; not "
        "money that moved."
    )
    premium_paid: Money = described(
        "What payments has received for the premium: a decimal amount as a string, two decimals."
    )
    payment_due_by: DateTime | None = described(
        "The premium is paid by then, or the policy lapses."
    )
    refund_amount: Money | None = described("Each type below declares its own.")
    start_date: Date = described(
        "The first day covered; until the premium is paid, the day it would start if paid today."
    )
    end_date: Date = described("The last day covered (inclusive).")


@dataclass(frozen=True)
class InsurancePolicyPurchased(_PolicyPayload):
    """A customer bought an insurance quote: a policy waiting for its premium, paid through
    payments (a payable of kind policy) by `payment_due_by`, or it lapses (docs/deal.md)."""

    refund_amount: None = described("Nothing is refunded.")

    status: Literal["pending_payment"] = described("The policy's status: pending_payment.")


@dataclass(frozen=True)
class InsurancePolicyActivated(_PolicyPayload):
    """A policy's premium was paid: it is active and covers a year from today."""

    refund_amount: None = described("Nothing is refunded.")

    status: Literal["active"] = described("The policy's status: active.")
    amount: Money = described("The premium paid: a decimal amount as a string, two decimals.")


@dataclass(frozen=True)
class InsurancePolicyLapsed(_PolicyPayload):
    """A policy was never paid: its premium was not paid in time, or it was cancelled (or
    its order was) before it was; nothing is refunded, and payments refunds a premium that
    arrives too late."""

    refund_amount: None = described("Nothing is refunded.")

    status: Literal["lapsed"] = described("The policy's status: lapsed.")
    amount: Money = described(
        "What was paid of the premium (0.00 unless a payment arrives too late, which payments "
        "refunds)."
    )


@dataclass(frozen=True)
class InsurancePolicyCancelled(_PolicyPayload):
    """A paid policy was cancelled (by its holder, or because its order was): the premium of
    its unused days, of what was actually paid, is refunded through payments as a refund of
    the premium's payment."""

    status: Literal["cancelled"] = described("The policy's status: cancelled.")
    amount: Money = described("The refund: a decimal amount as a string, two decimals.")
    refund_amount: Money = described(
        "The paid premium of the unused days, refunded: a decimal amount as a string, two decimals."
    )


@dataclass(frozen=True)
class _InsuranceClaimPayload:
    """The fields every insurance claim payload below carries, in order."""

    id: Uuid = described("The claim.")
    order_id: Uuid = described("The order whose vehicle is insured.")
    customer_id: Uuid = described("The policyholder's user account.")
    status: str = described("Each type below declares its own.")
    amount: Money = described("The amount claimed: a decimal amount as a string, two decimals.")
    currency: Currency = described("ISO 4217 code of the claim's currency, e.g. RUB.")
    policy_id: Uuid = described("The policy claimed on.")
    amount_claimed: Money = described(
        "The amount claimed: a decimal amount as a string, two decimals."
    )
    amount_approved: Money | None = described("Each type below declares its own.")
    incident_date: Date = described("The day of the incident.")


@dataclass(frozen=True)
class InsurancePolicyClaimFiled(_InsuranceClaimPayload):
    """A policyholder filed a claim on an active insurance policy."""

    amount_approved: None = described("Always null: the claim is not decided yet.")

    status: Literal["filed"] = described("The claim's status: filed.")


@dataclass(frozen=True)
class InsurancePolicyClaimDecided(_InsuranceClaimPayload):
    """Staff approved or rejected an insurance claim."""

    status: Literal["approved", "rejected"] = described("The decision.")
    amount: Money = described(
        "The amount approved (0.00 when rejected): a decimal amount as a string, two decimals."
    )
    amount_approved: Money = described(
        "The amount approved, 0.00 when rejected: a decimal amount as a string, two decimals."
    )


# EVENT TYPES
# ------------------------------------------------------------------------------
# Named `insurance.*` up to the version before the one below; renamed then after their
# subject, the quote or the policy (a claim is the policy's), and published under the old names
# too for that version (docs/events.md, "Names").
QUOTED = DomainEvent(
    "insurance_quote.created",
    payload=InsuranceQuoteCreated,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.quoted",
)
QUOTE_CANCELLED = DomainEvent(
    "insurance_quote.cancelled",
    payload=InsuranceQuoteCancelled,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.quote_cancelled",
)


def _policy_from_v1(payload: dict) -> dict:
    """A v1 policy payload: its policy was active when bought, its premium taken as paid."""
    return {**payload, "premium_paid": payload["premium"], "payment_due_by": None}


# Version 2: a policy is sold when its premium is paid (docs/deal.md, "Insurance").
PURCHASED = DomainEvent(
    "insurance_policy.purchased",
    payload=InsurancePolicyPurchased,
    app_label="insurance",
    schema_version=3,
    upcasters={1: _policy_from_v1},
    formerly="insurance.purchased",
)
ACTIVATED = DomainEvent(
    "insurance_policy.activated",
    payload=InsurancePolicyActivated,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.activated",
)
LAPSED = DomainEvent(
    "insurance_policy.lapsed",
    payload=InsurancePolicyLapsed,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.lapsed",
)
CANCELLED = DomainEvent(
    "insurance_policy.cancelled",
    payload=InsurancePolicyCancelled,
    app_label="insurance",
    schema_version=3,
    upcasters={1: _policy_from_v1},
    formerly="insurance.cancelled",
)
CLAIM_FILED = DomainEvent(
    "insurance_policy.claim.filed",
    payload=InsurancePolicyClaimFiled,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.claim_filed",
)
CLAIM_DECIDED = DomainEvent(
    "insurance_policy.claim.decided",
    payload=InsurancePolicyClaimDecided,
    app_label="insurance",
    schema_version=2,
    formerly="insurance.claim_decided",
)


def _money(amount: Decimal | None) -> str:
    return str(to_cents(amount or Decimal("0")))


def quote_payload(quote: Quote) -> dict:
    return {
        "id": str(quote.pk),
        "order_id": str(quote.order_id),
        "customer_id": str(quote.customer_id),
        "status": quote.status,
        "amount": _money(quote.premium),
        "currency": quote.currency,
        "insurance_type": quote.insurance_type,
        "ruleset_version": quote.ruleset_version,
        "valid_until": quote.valid_until.isoformat(),
    }


def policy_payload(policy: Policy) -> dict:
    """Only money that moved is an amount here: `amount` is the premium paid, or the refund
    once a paid policy is cancelled; `premium` is the price, owed until paid."""
    cancelled = policy.refund_amount is not None
    return {
        "id": str(policy.pk),
        "order_id": str(policy.order_id),
        "customer_id": str(policy.customer_id),
        "status": policy.status,
        "amount": _money(policy.refund_amount if cancelled else policy.premium_paid),
        "currency": policy.currency,
        "insurance_type": policy.insurance_type,
        "number": policy.number,
        "quote_id": str(policy.quote_id),
        "premium": _money(policy.premium),
        "premium_paid": _money(policy.premium_paid),
        "payment_due_by": policy.payment_due_by.isoformat() if policy.payment_due_by else None,
        "refund_amount": _money(policy.refund_amount) if cancelled else None,
        "start_date": policy.start_date.isoformat(),
        "end_date": policy.end_date.isoformat(),
    }


def claim_payload(claim: Claim) -> dict:
    """`amount` is the amount claimed while filed, then the amount approved (0.00 when
    rejected)."""
    decided = claim.decided_at is not None
    return {
        "id": str(claim.pk),
        "order_id": str(claim.order_id),
        "customer_id": str(claim.customer_id),
        "status": claim.status,
        "amount": _money(claim.amount_approved if decided else claim.amount_claimed),
        "currency": claim.currency,
        "policy_id": str(claim.policy_id),
        "amount_claimed": _money(claim.amount_claimed),
        "amount_approved": _money(claim.amount_approved) if decided else None,
        "incident_date": claim.incident_date.isoformat(),
    }
