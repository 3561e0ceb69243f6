"""A notice made deliveries: one per channel the customer hears it on, claimed by its unique
key in the consumer's transaction and sent by a task after the commit (docs/notifications.md,
"Exactly once"); the variables it is given, formatted in the customer's language."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from common.queueing import task_queue
from common.types import Id
from notifications.catalogue import NOTICES, Value, formatted
from notifications.choices import Category, Channel, DeliveryStatus
from notifications.models import Delivery, Preference, Suppression
from notifications.services.deliveries import _close

DB = "notifications"


def notify(
    *,
    notice: str,
    key: str,
    user_id: Id,
    variables: Mapping[str, Value],
    order_id: Id | None = None,
    showroom_id: Id | None = None,
) -> list[Delivery]:
    """Claim a delivery of `notice` to the customer on each of its channels they have an
    address for, once per `key` (the event's id, or a reminder's moment): a second call
    with the same key adds nothing. Call inside the consumer's transaction; the sending
    happens after it commits. One the customer's preferences or a suppression rule out is
    recorded as suppressed, with why."""
    card = accounts_selectors.user_card(user_id=user_id)
    if card is None or not card.is_active:
        return []
    preference = Preference.objects.using(DB).filter(pk=user_id).first() or Preference(
        user_id=user_id
    )
    return _claim(
        Recipient(
            name=card.full_name or card.email,
            email=card.email,
            phone=card.phone,
            language=card.language or settings.DEALERSHIP_LANGUAGE,
            user_id=user_id,
        ),
        preference,
        notice=notice,
        key=key,
        variables=variables,
        order_id=order_id,
        showroom_id=showroom_id,
    )


def notify_contact(
    *,
    notice: str,
    key: str,
    name: str,
    email: str,
    phone: str,
    variables: Mapping[str, Value],
    time_zone: str = "",
    showroom_id: Id | None = None,
    language: str = "",
) -> list[Delivery]:
    """`notify` for a person of no account (a service booker who confirmed a phone): the
    deliveries go to the e-mail and the phone they gave, in `language` (the one they were
    served in; the dealership's when empty), once
    per `key`, and are sent, retried and logged as any other (docs/notifications.md, "Without
    an account"). They have no preferences to keep: what a suppression of the address rules
    out (a bounce, an unsubscribe link used) is recorded as suppressed; their SMS keeps the
    quiet hours of `time_zone` (the showroom's), the dealership's when empty. Marketing never
    goes to them: they gave no consent."""
    return _claim(
        Recipient(
            name=name,
            email=email,
            phone=phone,
            language=language or settings.DEALERSHIP_LANGUAGE,
            time_zone=time_zone,
        ),
        Preference(),
        notice=notice,
        key=key,
        variables=variables,
        showroom_id=showroom_id,
    )


@dataclass(frozen=True)
class Recipient:
    """Whom a notice goes to: an account's card, or a contact of no account."""

    name: str
    email: str
    phone: str
    language: str
    user_id: Id | None = None
    time_zone: str = ""


def _claim(
    recipient: Recipient,
    preference: Preference,
    *,
    notice: str,
    key: str,
    variables: Mapping[str, Value],
    order_id: Id | None = None,
    showroom_id: Id | None = None,
) -> list[Delivery]:
    spec = NOTICES[notice]
    with translation.override(recipient.language):
        context = {
            "name": recipient.name,
            "site_url": settings.SITE_URL,
            **{name: formatted(value) for name, value in variables.items()},
        }
    made = []
    for channel in spec.channels:
        address = recipient.email if channel == Channel.EMAIL else recipient.phone
        if not address:
            continue
        delivery, created = Delivery.objects.using(DB).get_or_create(
            key=key,
            channel=channel,
            recipient=address,
            defaults={
                "notice": notice,
                "category": spec.category,
                "user_id": recipient.user_id,
                "order_id": order_id,
                "showroom_id": showroom_id,
                "time_zone": recipient.time_zone,
                "language": recipient.language,
                "context": context,
            },
        )
        if not created:
            continue
        reason = _ruled_out(preference, channel, spec.category, address)
        if reason:
            _close(delivery, DeliveryStatus.SUPPRESSED, reason)
        else:
            _send_after_commit(delivery.pk)
        made.append(delivery)
    return made


def _ruled_out(preference: Preference, channel: str, category: str, address: str) -> str:
    """Why a notice must not go to `address`, or "": in the dealership's language, as the
    log the managers read keeps it."""
    with translation.override(settings.DEALERSHIP_LANGUAGE):
        return _why_not(preference, channel, category, address)


def _why_not(preference: Preference, channel: str, category: str, address: str) -> str:
    if not preference.allows(channel, category):
        return _("The customer turned off %(category)s by %(channel)s.") % {
            "category": Category(category).label.lower(),
            "channel": Channel(channel).label,
        }
    # A bounce stops everything; an unsubscribe, its category only (never the deal's news).
    categories = [""] if category == Category.TRANSACTIONAL else ["", category]
    found = (
        Suppression.objects.using(DB)
        .filter(channel=channel, address=address, category__in=categories)
        .first()
    )
    if found is not None:
        return _("The address is suppressed: %s") % found.reason
    return ""


def _send_after_commit(delivery_id: uuid.UUID) -> None:
    transaction.on_commit(
        lambda: task_queue("notifications.tasks.delivery_send_task", str(delivery_id)),
        using=DB,
        robust=True,
    )
