"""The trade-in app's settings (docs/conventions.md, "Settings"): an offer's four eyes and
its longest validity (docs/tradein.md)."""

from decimal import Decimal

from common.environment import env

# TRADE-IN (docs/tradein.md)
# ------------------------------------------------------------------------------
# An offer above this many RUB needs a second staff member (four eyes), and is valid at
# most this many days.
TRADEIN_SECOND_APPROVAL_ABOVE = Decimal(env.str("TRADEIN_SECOND_APPROVAL_ABOVE", default="1500000"))
TRADEIN_OFFER_MAX_DAYS = env.int("TRADEIN_OFFER_MAX_DAYS", default=14)
