"""Webhook subscriptions: created, changed, their secrets rotated and sealed again, deleted,
and disabled with their owner told (docs/integrations.md, "Subscriptions" and "Secrets")."""

import fnmatch
import logging
from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.api.exceptions import ApplicationError
from common.encryption import secret_encrypt, secret_reencrypt
from common.events.contract import event_types
from common.types import Id
from integrations.choices import DeliveryStatus
from integrations.error_codes import IntegrationErrorCode
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.signing import secret_generate
from integrations.targets import target_check

DB = "integrations"

logger = logging.getLogger(__name__)


def event_types_check(patterns: list[str]) -> None:
    """Every pattern must name at least one published event type."""
    known = [type for _app, type, _schema in event_types()]
    unknown = [p for p in patterns if not fnmatch.filter(known, p)]
    if unknown or not patterns:
        raise ApplicationError(
            _("Name at least one event type; these match none: %(unknown)s")
            % {"unknown": ", ".join(unknown)}
            if unknown
            else _("Name at least one event type."),
            code=IntegrationErrorCode.EVENT_TYPE_UNKNOWN,
            details={
                "event_types": [
                    _("%(pattern)s matches no event type.") % {"pattern": p} for p in unknown
                ]
            },
        )


def subscription_create(
    *, owner_id: Id, name: str, url: str, event_types: list[str], is_active: bool = True
) -> WebhookSubscription:
    """A subscription with a new secret, stored encrypted; the caller shows `.secret` once,
    in its answer to this creation, and nothing shows it again (docs/integrations.md,
    "Secrets")."""
    target_check(url)
    event_types_check(event_types)
    return WebhookSubscription.objects.using(DB).create(
        owner_id=owner_id,
        name=name,
        url=url,
        event_types=sorted(set(event_types)),
        secret_encrypted=secret_encrypt(secret_generate()),
        is_active=is_active,
    )


def subscription_secret_rotate(
    *, subscription_id: Id, now: datetime | None = None
) -> WebhookSubscription:
    """A new secret for the subscription; the one it replaces still signs, alongside it, for
    WEBHOOKS_SECRET_OVERLAP_SECONDS, so that the receiver can change over meanwhile. A
    secret replaced before its overlap ended stops signing at once: only the latest two
    ever sign. The caller shows the new `.secret` once, in its answer to this rotation."""
    now = now or timezone.now()
    overlap = timedelta(seconds=settings.WEBHOOKS_SECRET_OVERLAP_SECONDS)
    with transaction.atomic(using=DB):
        subscription = (
            WebhookSubscription.objects.using(DB).select_for_update().get(pk=subscription_id)
        )
        if overlap:
            subscription.previous_secret_encrypted = subscription.secret_encrypted
            subscription.previous_secret_expires_at = now + overlap
        else:
            subscription.previous_secret_encrypted = ""
            subscription.previous_secret_expires_at = None
        subscription.secret_encrypted = secret_encrypt(secret_generate())
        subscription.save(
            using=DB,
            update_fields=[
                "secret_encrypted",
                "previous_secret_encrypted",
                "previous_secret_expires_at",
                "updated_at",
            ],
        )
    logger.info("Webhook subscription %s: secret rotated", subscription.pk)
    return subscription


def subscription_secrets_reencrypt() -> int:
    """Every stored secret sealed again with the first key of WEBHOOKS_SECRETS_KEY (a key
    rotation; integrations/signing.py). Returns how many subscriptions."""
    with transaction.atomic(using=DB):
        subscriptions = list(WebhookSubscription.objects.using(DB).select_for_update())
        for subscription in subscriptions:
            subscription.secret_encrypted = secret_reencrypt(subscription.secret_encrypted)
            if subscription.previous_secret_encrypted:
                subscription.previous_secret_encrypted = secret_reencrypt(
                    subscription.previous_secret_encrypted
                )
            subscription.save(
                using=DB, update_fields=["secret_encrypted", "previous_secret_encrypted"]
            )
    return len(subscriptions)


class SubscriptionChanges(TypedDict, total=False):
    """What `subscription_update` changes: the keys given, no other."""

    name: str
    url: str
    event_types: list[str]
    is_active: bool


def subscription_update(
    *, subscription: WebhookSubscription, **fields: Unpack[SubscriptionChanges]
) -> WebhookSubscription:
    """Change what the fields name. Turning a disabled subscription on again starts its
    failure count afresh; its pending deliveries go out."""
    if "url" in fields:
        target_check(fields["url"])
    if "event_types" in fields:
        event_types_check(fields["event_types"])
        fields["event_types"] = sorted(set(fields["event_types"]))
    changes: dict[str, object] = dict(fields)
    if fields.get("is_active") and not subscription.is_active:
        changes.update(failing_since=None, disabled_at=None, disabled_reason="")
        WebhookDelivery.objects.using(DB).filter(
            subscription=subscription, status=DeliveryStatus.PENDING
        ).update(first_attempt_at=None, next_attempt_at=timezone.now())
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.save(using=DB)
    return subscription


def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Remove a subscription with its deliveries and their log."""
    subscription.delete(using=DB)


def subscription_disable(*, subscription: WebhookSubscription, reason: str, now: datetime) -> None:
    """Turn a subscription off and tell its owner by e-mail, once it has committed."""
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:200]
    subscription.save(
        using=DB, update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"]
    )
    logger.warning("Webhook subscription %s disabled: %s", subscription.pk, reason)
    transaction.on_commit(lambda: _disabled_email_send(subscription), using=DB, robust=True)


def _disabled_email_send(subscription: WebhookSubscription) -> None:
    owner = accounts_selectors.user_card(user_id=subscription.owner_id)
    if owner is None:
        return
    send_mail(
        subject=f"Autosalon: webhook “{subscription.name}” disabled",
        message=(
            f"Hello {owner.full_name or owner.email},\n\n"
            f"The webhook subscription “{subscription.name}” ({subscription.url}) has failed "
            f"every delivery since {subscription.failing_since:%Y-%m-%d %H:%M} UTC and is now "
            f"disabled: {subscription.disabled_reason}\n\n"
            "Its deliveries are kept. Once the endpoint answers again, turn the subscription "
            "back on in the admin; what is pending then goes out, and any delivery can be "
            "sent again from there.\n"
        ),
        from_email=None,
        recipient_list=[owner.email],
    )
