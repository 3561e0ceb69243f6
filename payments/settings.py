"""The payments app's settings (docs/conventions.md, "Settings"): the provider and its
credentials, retries, the pending sweep, refunds and fiscal receipts (docs/payments.md)."""

from decimal import Decimal

from common.environment import env, site_url, task_time_limit, var_dir

# PAYMENTS
# ------------------------------------------------------------------------------
PAYMENTS_BREAKER_FAIL_MAX = env.int("PAYMENTS_BREAKER_FAIL_MAX", default=5)
PAYMENTS_BREAKER_RESET_SECONDS = env.int("PAYMENTS_BREAKER_RESET_SECONDS", default=30)
# Attempts while the provider is unavailable before a payment fails, and the pause between.
PAYMENTS_MAX_RETRIES = env.int("PAYMENTS_MAX_RETRIES", default=20)
PAYMENTS_RETRY_SECONDS = env.int("PAYMENTS_RETRY_SECONDS", default=15)
# Who takes the money: fake (development and tests), yookassa or stripe (docs/payments.md).
PAYMENTS_PROVIDER = env.str("PAYMENTS_PROVIDER", default="fake")
PAYMENTS_PROVIDER_TIMEOUT_SECONDS = env.float("PAYMENTS_PROVIDER_TIMEOUT_SECONDS", default=10)
# Beat settles payments and refunds pending longer than this (a lost task, a worker killed
# mid-charge): the longest a charge attempt may be under way, plus a margin. An attempt
# ends with its task, killed at CELERY_TASK_TIME_LIMIT; the provider may still be carrying
# out the call it was making for PAYMENTS_PROVIDER_TIMEOUT_SECONDS; ten seconds more for
# the clocks of two hosts: 120 s + 10 s + 10 s = 140 s. With the sweep every 10 s and its
# own look-up (at most the provider timeout), a dead worker's payment settles within
# 140 + 10 + 10 = 160 s of its creation (docs/operations.md, "Timeouts derived from task
# bounds"). A sweep that meets a live retry is harmless: processing asks the provider before
# charging, under the payment's idempotency key.
PAYMENTS_PENDING_SWEEP_AFTER_SECONDS = env.int(
    "PAYMENTS_PENDING_SWEEP_AFTER_SECONDS",
    default=round(task_time_limit() + PAYMENTS_PROVIDER_TIMEOUT_SECONDS + 10),
)
# Where the provider sends a customer back after confirming a payment: our own page, which
# asks the provider at once instead of waiting for its notification.
PAYMENTS_RETURN_URL = env.str(
    "PAYMENTS_RETURN_URL", default=f"{site_url()}/payments/{{payment_id}}/return"
)
YOOKASSA_SHOP_ID = env.str("YOOKASSA_SHOP_ID", default="")
YOOKASSA_SECRET_KEY = env.str("YOOKASSA_SECRET_KEY", default="")
YOOKASSA_API_URL = env.str("YOOKASSA_API_URL", default="https://api.yookassa.ru/v3")
# A shop of its own for each legal entity of the group that sells under its own (a receipt is
# registered under its shop's legal entity): {"<the seller's INN>": {"shop_id": "…",
# "secret_key": "…"}}. A sale whose seller has none goes through the shop above
# (docs/payments.md, "Providers").
YOOKASSA_SHOPS = env.json("YOOKASSA_SHOPS", default={})
# The networks YooKassa sends notifications from, as it publishes them.
YOOKASSA_NOTIFICATION_NETWORKS = env.list(
    "YOOKASSA_NOTIFICATION_NETWORKS",
    default=[
        "185.71.76.0/27",
        "185.71.77.0/27",
        "77.75.153.0/25",
        "77.75.156.11/32",
        "77.75.156.35/32",
        "77.75.154.128/25",
        "2a02:5180::/32",
    ],
)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
FAKE_PROVIDER_LATENCY_MS = env.int("FAKE_PROVIDER_LATENCY_MS", default=50)
FAKE_PROVIDER_FAILURE_RATE = env.float("FAKE_PROVIDER_FAILURE_RATE", default=0.0)
# The fake provider's books: a directory every process shares, as they would share a provider.
FAKE_PROVIDER_DIR = env.str("FAKE_PROVIDER_DIR", default=str(var_dir() / "fake-provider"))

# A staff refund above this many RUB waits for a second staff member's approval (four eyes,
# docs/deal.md "Who decides").
PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE", default="100000")
)
# A payment the dealership's accounting (1C) reports above this many RUB enters the ledger only
# once two staff members approve it: the threshold of a disbursement recorded by hand
# (FINANCING_SECOND_APPROVAL_ABOVE; docs/1c.md, "Payments").
PAYMENTS_DESK_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("PAYMENTS_DESK_SECOND_APPROVAL_ABOVE", default="3000000")
)
# Fiscal receipts (54-FZ, docs/payments.md): the VAT code of each kind of thing sold, at full
# payment, in the provider's codes (11: 22%, from 2026; 1: no VAT, as insurance premiums
# are exempt); a prepayment takes the computed rate of the same code (22/122: 12). The
# dealership's tax system (1: the general one), or unset to leave it to the shop's settings.
PAYMENTS_RECEIPT_VAT_CODES = env.dict(
    "PAYMENTS_RECEIPT_VAT_CODES",
    cast={"value": int},
    default={"vehicle": 11, "goods": 11, "service": 11, "insurance": 1},
)
PAYMENTS_RECEIPT_TAX_SYSTEM_CODE = env.int("PAYMENTS_RECEIPT_TAX_SYSTEM_CODE", default=1)
