from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("notification channel", "E-mail")
    SMS = "sms", pgettext_lazy("notification channel", "SMS")


class Category(models.TextChoices):
    """Why a customer hears from us, which decides whether they may turn it off: what their
    deal needs them to know always reaches them by e-mail."""

    TRANSACTIONAL = "transactional", pgettext_lazy("notification category", "About my deal")
    REMINDERS = "reminders", pgettext_lazy("notification category", "Reminders")
    MARKETING = "marketing", pgettext_lazy("notification category", "Offers and news")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("delivery status", "Queued")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", pgettext_lazy("delivery status", "Failed")
    SUPPRESSED = "suppressed", pgettext_lazy("delivery status", "Suppressed")


DELIVERY_TRANSITIONS = TransitionMap(
    "delivery",
    DeliveryStatus,
    {
        (DeliveryStatus.QUEUED, DeliveryStatus.SENT): (),
        (DeliveryStatus.QUEUED, DeliveryStatus.FAILED): (),
        (DeliveryStatus.QUEUED, DeliveryStatus.SUPPRESSED): (),
    },
)
