"""Test data for integrations."""

from django.utils import timezone

from common.events import Event
from common.events.contract import envelope
from integrations import services
from integrations.models import WebhookDelivery, WebhookSubscription


def webhook_subscription_make(owner, *, url="http://127.0.0.1:9/hooks") -> WebhookSubscription:
    """A subscription to every order event, at a loopback port where nothing listens."""
    return services.subscription_create(
        owner_id=owner.pk, name="Partner", url=url, event_types=["order.*"]
    )


def webhook_delivery_make(subscription_id) -> WebhookDelivery:
    """A pending delivery of an order event to this subscription only (the fan-out would
    make one for every subscription that matches)."""
    event = Event(type="order.created", aggregate_id="factory", payload={})
    return WebhookDelivery.objects.using(services.DB).create(
        subscription_id=subscription_id,
        event_id=event.id,
        event_type=event.type,
        ordering_key=services.ordering_key(event),
        occurred_at=event.occurred,
        body=envelope(event),
        next_attempt_at=timezone.now(),
    )
