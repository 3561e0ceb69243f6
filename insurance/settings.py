"""The insurance app's settings (docs/conventions.md, "Settings"): an unpaid policy's hold and
a claim's four eyes (docs/deal.md)."""

from decimal import Decimal

from common.environment import env

# INSURANCE (docs/deal.md)
# ------------------------------------------------------------------------------
# A bought policy whose premium is not paid within this many hours lapses.
INSURANCE_PAYMENT_HOLD_HOURS = env.int("INSURANCE_PAYMENT_HOLD_HOURS", default=72)
# An approval of a claim above this many RUB needs a second staff member (four eyes).
INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE", default="500000")
)
