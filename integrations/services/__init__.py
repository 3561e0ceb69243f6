"""Writes of the integrations domain: webhook subscriptions, and the deliveries of events to
them (docs/integrations.md, "Subscriptions", "Deliveries" and "Secrets"). Subscriptions and
their secrets in `subscriptions.py`; recording, dispatching, signing, sending and sending
again the deliveries in `deliveries.py`; the classifieds' feeds written ahead in `feeds.py`
(docs/feeds.md)."""

from integrations.services.deliveries import (
    DB,
    RESPONSE_EXCERPT_CHARS,
    deliveries_dispatch,
    deliveries_due,
    deliveries_record,
    delivery_redeliver,
    delivery_send,
    ordering_key,
    retry_delay,
    signed_headers,
    signing_secrets,
    subscription_redeliver_since,
)
from integrations.services.feeds import (
    FeedNotWellFormed,
    credit_discount_note,
    feed_generate,
    feed_storage,
    feeds_generate,
    feeds_regenerate_soon,
    feeds_regeneration_taken,
)
from integrations.services.subscriptions import (
    event_types_check,
    subscription_create,
    subscription_delete,
    subscription_disable,
    subscription_secret_rotate,
    subscription_secrets_reencrypt,
    subscription_update,
)

__all__ = [
    "DB",
    "RESPONSE_EXCERPT_CHARS",
    "FeedNotWellFormed",
    "credit_discount_note",
    "deliveries_dispatch",
    "deliveries_due",
    "deliveries_record",
    "delivery_redeliver",
    "delivery_send",
    "event_types_check",
    "feed_generate",
    "feed_storage",
    "feeds_generate",
    "feeds_regenerate_soon",
    "feeds_regeneration_taken",
    "ordering_key",
    "retry_delay",
    "signed_headers",
    "signing_secrets",
    "subscription_create",
    "subscription_delete",
    "subscription_disable",
    "subscription_redeliver_since",
    "subscription_secret_rotate",
    "subscription_secrets_reencrypt",
    "subscription_update",
]
