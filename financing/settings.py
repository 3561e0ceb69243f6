"""The financing app's settings (docs/conventions.md, "Settings"): the lender, four eyes and
scoring's limits (docs/deal.md)."""

from decimal import Decimal

from common.environment import env

# FINANCING (docs/deal.md)
# ------------------------------------------------------------------------------
# Who disburses approved loans: fake (development and tests; it disburses by itself) or
# manual (staff record each disbursement: POST financing/applications/{id}/disburse).
FINANCING_LENDER = env.str("FINANCING_LENDER", default="fake")
# The fake lender disburses this long after an application is sent to it.
FAKE_LENDER_DISBURSE_AFTER_SECONDS = env.int("FAKE_LENDER_DISBURSE_AFTER_SECONDS", default=60)
# How often beat asks the lender about the loans sent to it: FINANCING_LENDER_POLL_SECONDS, the
# interval of the periodic job financing/apps.py declares (60 s by default).
# An approval of a loan above this many RUB needs a second staff member (four eyes).
FINANCING_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("FINANCING_SECOND_APPROVAL_ABOVE", default="3000000")
)
# Scoring approves by itself only within these limits; beyond them, staff review
# (docs/deal.md, "Scoring"): a loan of at most this many RUB, with a verified e-mail, and a
# down payment of at least this share of the price, in percent.
FINANCING_AUTO_APPROVE_MAX = Decimal(env.str("FINANCING_AUTO_APPROVE_MAX", default="3000000"))
FINANCING_MIN_DOWN_PAYMENT_PERCENT = Decimal(
    env.str("FINANCING_MIN_DOWN_PAYMENT_PERCENT", default="10")
)
# The declared monthly income counts up to this many RUB: nobody's word buys more.
FINANCING_INCOME_CAP = Decimal(env.str("FINANCING_INCOME_CAP", default="1000000"))
# Demo banks (docs/financing.md, "Demo banks") answer by themselves this long after they are
# asked; FINANCING_DEMO_BANKS off (production) refuses to send anything to one.
FINANCING_DEMO_BANKS = env.bool("FINANCING_DEMO_BANKS", default=True)
FINANCING_DEMO_BANK_ANSWER_SECONDS = env.int("FINANCING_DEMO_BANK_ANSWER_SECONDS", default=3)
# A bank's callback secret replaced in the admin: the one it replaces still verifies the
# bank's callbacks this many hours, so that the bank can change over (docs/financing.md,
# "The bank's secret"); 0 ends it at once.
FINANCING_BANK_SECRET_OVERLAP_HOURS = env.int("FINANCING_BANK_SECRET_OVERLAP_HOURS", default=24)
