"""Reads of the integrations domain; only admins read it (the API and the admin), but for a
classified pulling its feed by the feed's secret token."""

from django.db.models import Prefetch, QuerySet

from common.api.exceptions import NotFound
from common.types import Id
from integrations.models import Feed, WebhookAttempt, WebhookDelivery, WebhookSubscription

DB = "integrations"


def subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.using(DB).all()


def subscription_get(*, subscription_id: Id) -> WebhookSubscription:
    subscription = subscription_list().filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound
    return subscription


def delivery_list(*, subscription_id: Id) -> QuerySet[WebhookDelivery]:
    """A subscription's deliveries, newest first, each with its attempts."""
    subscription = subscription_get(subscription_id=subscription_id)
    return (
        WebhookDelivery.objects.using(DB)
        .filter(subscription=subscription)
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.using(DB).order_by("number"))
        )
        .order_by("-occurred_at")
    )


def delivery_get(*, subscription_id: Id, delivery_id: Id) -> WebhookDelivery:
    delivery = delivery_list(subscription_id=subscription_id).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound
    return delivery


def feed_served(*, kind: str, token: str) -> Feed | None:
    """The active, written feed of `kind` whose secret `token` this is; None otherwise."""
    return (
        Feed.objects.using(DB)
        .filter(kind=kind, token=token, is_active=True)
        .exclude(file="")
        .first()
    )
