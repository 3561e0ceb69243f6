"""The back office's settings: how long the managers' figures stay cached and what counts as
low stock (docs/dashboard.md)."""

from common.environment import env

# DASHBOARD (docs/dashboard.md)
# ------------------------------------------------------------------------------
# The figures stay cached this long at most; any event that moves one forgets them sooner.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# A product with this many or fewer in stock shows among the low stock.
DASHBOARD_LOW_STOCK_THRESHOLD = env.int("DASHBOARD_LOW_STOCK_THRESHOLD", default=2)
