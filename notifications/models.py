"""Models of the notifications domain; they live in the `notifications` database. Users,
orders and the events notified belong to other databases and are referenced by id
(docs/architecture.md §3.1)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from notifications.choices import DELIVERY_TRANSITIONS, Category, Channel, DeliveryStatus


class Template(models.Model):
    """One version of what a notice says on a channel in a language. A new version is a new
    row: the latest is used, and each delivery names the one it used (docs/notifications.md,
    "Templates"). An SMS has no subject and no HTML."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    notice = models.CharField(_("notice"), max_length=64)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django's template language, with the notice's documented variables only. An "
            "e-mail's HTML part is this text in the dealership's layout."
        ),
    )
    created_by_id = models.UUIDField(_("created by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["notice", "channel", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "channel", "language", "version"],
                name="notifications_template_version_once",
            )
        ]

    def __str__(self):
        return f"{self.notice} · {self.channel} · {self.language} · v{self.version}"


class Preference(TimestampedModel):
    """What a customer wants to hear, per channel and category. Transactional e-mail is
    always on: it is how their deal reaches them. Marketing needs its own recorded consent."""

    user_id = models.UUIDField(_("user"), primary_key=True)
    email_reminders = models.BooleanField(_("reminders by e-mail"), default=True)
    email_marketing = models.BooleanField(_("offers by e-mail"), default=False)
    sms_transactional = models.BooleanField(_("deal's news by SMS"), default=True)
    sms_reminders = models.BooleanField(_("reminders by SMS"), default=True)
    sms_marketing = models.BooleanField(_("offers by SMS"), default=False)
    marketing_consent_at = models.DateTimeField(_("marketing consent given"), null=True, blank=True)
    # Quiet hours for SMS are theirs: 21:00 to 09:00 in this zone.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user_id)

    def allows(self, channel: str, category: str) -> bool:
        if channel == Channel.EMAIL and category == Category.TRANSACTIONAL:
            return True
        return bool(getattr(self, f"{channel}_{category}"))


class Suppression(TimestampedModel):
    """An address the channel no longer sends to: it bounced, failed for good, or its
    owner unsubscribed from a category (`category`; empty: everything)."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "category"], name="notifications_suppressed_once"
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.address}"


class Delivery(TimestampedModel):
    """One notice to one recipient on one channel. Its key (the event's, or the reminder's
    moment) is claimed, unique, before anything is sent: a redelivered event, a restarted
    worker or a second worker finds it taken (docs/notifications.md, "Exactly once")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(_("key"), max_length=200)
    notice = models.CharField(_("notice"), max_length=64)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # None for a person of no account (a service booker who confirmed a phone): their
    # contact is the recipient, their quiet hours are kept in `time_zone`
    # (docs/notifications.md, "Without an account").
    user_id = models.UUIDField(_("customer"), null=True, blank=True, db_index=True)
    order_id = models.UUIDField(_("order"), null=True, blank=True, db_index=True)
    # The showroom a notice about no order is about (a service booking): it signs the e-mail
    # and its staff see the delivery.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    context = models.JSONField(_("variables"), default=dict)
    template = models.ForeignKey(
        Template,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=DELIVERY_TRANSITIONS,
        default=DeliveryStatus.QUEUED,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the e-mail's unsubscribe link was used: it works once (docs/notifications.md,
    # "Unsubscribing").
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel", "recipient"], name="notifications_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.notice} → {self.channel}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
