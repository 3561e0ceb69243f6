"""Events the insurance domain emits (docs/architecture.md §3.4). Every payload carries `id` (the
aggregate: quote, policy or claim), `order_id`, `customer_id`, `status`, `amount` and
`currency`, which orders notes on the order and pushes to its live feed."""

from decimal import Decimal

from common.events import DomainEvent
from common.money import to_cents
from insurance.models import Claim, Policy, Quote

QUOTED = DomainEvent("insurance.quoted", app_label="insurance")
QUOTE_CANCELLED = DomainEvent("insurance.quote_cancelled", app_label="insurance")
PURCHASED = DomainEvent("insurance.purchased", app_label="insurance")
CANCELLED = DomainEvent("insurance.cancelled", app_label="insurance")
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
    """`amount` is the premium, or the refund once the policy is cancelled."""
    cancelled = policy.refund_amount is not None
    return {
        "id": str(policy.pk),
        "order_id": str(policy.order_id),
        "customer_id": str(policy.customer_id),
        "status": policy.status,
        "amount": _money(policy.refund_amount if cancelled else policy.premium),
        "currency": policy.currency,
        "insurance_type": policy.insurance_type,
        "number": policy.number,
        "quote_id": str(policy.quote_id),
        "premium": _money(policy.premium),
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
