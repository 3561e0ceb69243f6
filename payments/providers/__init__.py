"""Payment providers behind one interface (docs/payments.md). `get_provider()` returns the one
`PAYMENTS_PROVIDER` names: the fake provider (development and tests), YooKassa or Stripe.

Every call is idempotent on our own ids: a charge on the payment's id, a refund on the
refund's id, sent as the provider's idempotency key. A look-up of something whose provider
reference we never learnt (the answer to the create was lost) repeats the create with the
same key, which the provider answers with what it did the first time."""

from django.conf import settings

from payments.providers.base import (
    ChargeDeclined,
    ChargeRequest,
    Kind,
    Notification,
    NotificationRefused,
    PaymentProvider,
    ProviderRecord,
    ProviderUnavailable,
    ReceiptLine,
    ReceiptRequest,
    RefundRequest,
    RemoteProvider,
    State,
)

__all__ = [
    "FISCAL_PROVIDERS",
    "PROVIDERS",
    "ChargeDeclined",
    "ChargeRequest",
    "Kind",
    "Notification",
    "NotificationRefused",
    "PaymentProvider",
    "ProviderRecord",
    "ProviderUnavailable",
    "ReceiptLine",
    "ReceiptRequest",
    "RefundRequest",
    "RemoteProvider",
    "State",
    "get_provider",
]


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called `name`, by default the configured one (PAYMENTS_PROVIDER)."""
    name = name or settings.PAYMENTS_PROVIDER
    if name == "yookassa":
        from payments.providers.yookassa import YooKassaProvider

        return YooKassaProvider()
    if name == "stripe":
        from payments.providers.stripe import StripeProvider

        return StripeProvider()
    if name == "fake":
        from payments.providers.fake import FakeProvider

        return FakeProvider()
    raise LookupError(f"No payment provider is called {name!r}.")


# The names PAYMENTS_PROVIDER may take.
PROVIDERS = ("fake", "yookassa", "stripe")
# The ones that register fiscal receipts (54-FZ, docs/payments.md "Fiscal receipts"): Stripe
# has none.
FISCAL_PROVIDERS = ("fake", "yookassa")
