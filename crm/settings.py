"""The CRM app's settings (docs/conventions.md, "Settings"): stale leads and who gets a new
one (docs/crm.md)."""

from common.environment import env

# CRM
# ------------------------------------------------------------------------------
# A lead with no activity for this many days counts as stale on the "my clients" page.
CRM_STALE_LEAD_DAYS = env.int("CRM_STALE_LEAD_DAYS", default=7)
# Who gets a lead that comes in by itself (a buyer registering online), so that every sale
# has a manager (docs/crm.md, "Assignment"): `round_robin`, the active managers in turn; or
# `none`, the lead waits for a manager to take it.
CRM_LEAD_ASSIGNMENT = env.str("CRM_LEAD_ASSIGNMENT", default="round_robin")
