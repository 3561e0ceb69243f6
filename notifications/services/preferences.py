"""What the customer hears on each channel: their preferences, and a category turned off by an
e-mail's signed unsubscribe link (docs/notifications.md, "Preferences" and "Unsubscribing")."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.types import Actor
from notifications.choices import Category, Channel
from notifications.error_codes import NotificationErrorCode
from notifications.models import Delivery, Preference, Suppression

DB = "notifications"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_url(delivery: Delivery) -> str:
    token = signing.dumps(str(delivery.pk), salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.SITE_URL}/notifications/unsubscribe/{token}/"


def unsubscribe(*, token: str) -> Delivery:
    """Turn off the category of the delivery the signed link came with, on its channel.
    The link works once and for `NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS` after it was made
    (its signature carries the time): one used already, expired or tampered with is refused
    and changes nothing."""
    try:
        delivery_id = signing.loads(
            token,
            salt=UNSUBSCRIBE_SALT,
            max_age=timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired included
        raise _link_invalid() from None
    with transaction.atomic(using=DB):
        delivery = Delivery.objects.using(DB).select_for_update().filter(pk=delivery_id).first()
        if (
            delivery is None
            or delivery.category == Category.TRANSACTIONAL
            or delivery.unsubscribed_at is not None
        ):
            raise _link_invalid()
        delivery.unsubscribed_at = timezone.now()
        delivery.save(using=DB, update_fields=["unsubscribed_at", "updated_at"])
        if delivery.user_id is None:
            _contact_unsubscribe(delivery)
            return delivery
        preference, _created = Preference.objects.using(DB).get_or_create(user_id=delivery.user_id)
        field = f"{delivery.channel}_{delivery.category}"
        if getattr(preference, field):
            setattr(preference, field, False)
            preference.save(using=DB, update_fields=[field, "updated_at"])
    return delivery


def _contact_unsubscribe(delivery: Delivery) -> None:
    """A person of no account has no preferences: their address stops getting the category on
    the channel (a suppression of that category; docs/notifications.md, "Without an
    account")."""
    with translation.override(settings.DEALERSHIP_LANGUAGE):
        reason = _("Unsubscribed by the link in an e-mail.")
    Suppression.objects.using(DB).get_or_create(
        channel=delivery.channel,
        address=delivery.recipient,
        category=delivery.category,
        defaults={"reason": reason},
    )


def _link_invalid() -> ApplicationError:
    return ApplicationError(
        _("This link has been used or has expired; manage your notifications in your account."),
        code=NotificationErrorCode.UNSUBSCRIBE_LINK_INVALID,
        status=400,
    )


def preferences_update(
    *,
    user: Actor,
    changes: dict[str, dict[str, bool]],
    marketing_consent: bool | None = None,
    time_zone: str | None = None,
) -> Preference:
    """Set what the customer hears on each channel (`changes`: channel → category → on).
    Transactional e-mail stays on; marketing needs a recorded consent, given now or before."""
    with transaction.atomic(using=DB):
        preference, _created = (
            Preference.objects.using(DB).select_for_update().get_or_create(user_id=user.pk)
        )
        if marketing_consent is not None:
            preference.marketing_consent_at = timezone.now() if marketing_consent else None
            if not marketing_consent:
                preference.email_marketing = preference.sms_marketing = False
        for channel, categories in changes.items():
            for category, on in categories.items():
                if (channel, category) == (Channel.EMAIL, Category.TRANSACTIONAL):
                    if not on:
                        raise ApplicationError(
                            _("E-mail about your deal cannot be turned off."),
                            code="validation_error",
                            status=400,
                            details={"email": {"transactional": [_("It is always on.")]}},
                        )
                    continue
                if category == Category.MARKETING and on and not preference.marketing_consent_at:
                    raise ApplicationError(
                        _("Offers need your consent first: send marketing_consent: true."),
                        code=NotificationErrorCode.MARKETING_CONSENT_REQUIRED,
                        status=400,
                    )
                setattr(preference, f"{channel}_{category}", on)
        if time_zone is not None:
            preference.time_zone = time_zone
        preference.save(using=DB)
    return preference
