"""Writes of the insurance domain: quotes, policies and claims change only here, each change
with its event in the same transaction (docs/deal.md, "Insurance" and "Cancelling"). Pricing
and writing quotes, and a policy bought for an order from a new quote, in `quotes.py`; buying
a quote, the premium, the cover, lapsing and cancelling policies, and an order's insurance
cancelled with it, in `policies.py`; filing and deciding claims in `claims.py`."""

from insurance.services.claims import claim_decide, claim_file
from insurance.services.policies import (
    order_insurance_cancel,
    order_policies_car_paid,
    policies_unpaid_lapse,
    policy_cancel,
    policy_premium_paid,
    quote_purchase,
)
from insurance.services.quotes import (
    policy_for_quote,
    premium_estimates,
    quote_create,
    quote_price,
)

__all__ = [
    "claim_decide",
    "claim_file",
    "order_insurance_cancel",
    "order_policies_car_paid",
    "policies_unpaid_lapse",
    "policy_cancel",
    "policy_for_quote",
    "policy_premium_paid",
    "premium_estimates",
    "quote_create",
    "quote_price",
    "quote_purchase",
]
