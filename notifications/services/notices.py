"""A notice made deliveries: one per channel the customer hears it on, claimed by its unique
key in the consumer's transaction and sent by a task after the commit (docs/notifications.md,
"Exactly once"); the variables it is given, formatted in the customer's language."""

import uuid
from collections.abc import Mapping

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
) -> list[Delivery]:
    """Claim a delivery of `notice` to the customer on each of its channels they have an
    address for, once per `key` (the event's id, or a reminder's moment): a second call
    with the same key adds nothing. Call inside the consumer's transaction; the sending
    happens after it commits. One the customer's preferences or a suppression rule out is
    recorded as suppressed, with why."""
    card = accounts_selectors.user_card(user_id=user_id)
    if card is None or not card.is_active:
        return []
    spec = NOTICES[notice]
    preference = Preference.objects.using(DB).filter(pk=user_id).first() or Preference(
        user_id=user_id
    )
    language = card.language or settings.DEALERSHIP_LANGUAGE
    with translation.override(language):
        context = {
            "name": card.full_name or card.email,
            "site_url": settings.SITE_URL,
            **{name: formatted(value) for name, value in variables.items()},
        }
    made = []
    for channel in spec.channels:
        address = card.email if channel == Channel.EMAIL else card.phone
        if not address:
            continue
        delivery, created = Delivery.objects.using(DB).get_or_create(
            key=key,
            channel=channel,
            recipient=address,
            defaults={
                "notice": notice,
                "category": spec.category,
                "user_id": user_id,
                "order_id": order_id,
                "language": language,
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
