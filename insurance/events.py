"""Events the insurance domain emits (docs/architecture.md §3.4). Every payload carries `id` (the
aggregate: quote, policy or claim), `order_id`, `customer_id`, `status`, `amount` and
`currency`, which orders notes on the order and pushes to its live feed."""

from decimal import Decimal

from common.events import DomainEvent
from common.money import to_cents
from insurance.models import Claim, Policy, Quote

QUOTED = DomainEvent("insurance.quoted", app_label="insurance")
QUOTE_CANCELLED = DomainEvent("insurance.quote_cancelled", app_label="insurance")


def _policy_from_v1(payload: dict) -> dict:
    """A v1 policy payload: its policy was active when bought, its premium taken as paid."""
    return {**payload, "premium_paid": payload["premium"], "payment_due_by": None}


# Version 2: a policy is sold when its premium is paid (docs/deal.md, "Insurance").
PURCHASED = DomainEvent(
    "insurance.purchased", app_label="insurance", schema_version=2, upcasters={1: _policy_from_v1}
)
ACTIVATED = DomainEvent("insurance.activated", app_label="insurance")
LAPSED = DomainEvent("insurance.lapsed", app_label="insurance")
CANCELLED = DomainEvent(
    "insurance.cancelled", app_label="insurance", schema_version=2, upcasters={1: _policy_from_v1}
)
CLAIM_FILED = DomainEvent("insurance.claim_filed", app_label="insurance")
CLAIM_DECIDED = DomainEvent("insurance.claim_decided", app_label="insurance")


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
