import fnmatch
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.encryption import secret_decrypt
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from integrations.choices import DELIVERY_TRANSITIONS, DeliveryStatus, FeedKind


class WebhookSubscription(TimestampedModel):
    """A partner's endpoint and the event types it wants (docs/integrations.md)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000)
    # Patterns of event types: `order.created`, `order.*`, `*`.
    event_types = models.JSONField(
        _("event types"),
        default=list,
        help_text=_('A list of patterns: ["order.created", "payment.*"], or ["*"] for all.'),
    )
    # Signs each delivery (Standard Webhooks: `whsec_` and base64), kept encrypted
    # (integrations/signing.py); shown once, when it is made (docs/integrations.md, "Secrets").
    secret_encrypted = models.TextField(_("signing secret (encrypted)"))
    # The secret a rotation replaced: it signs too, alongside, until then.
    previous_secret_encrypted = models.TextField(
        _("previous signing secret (encrypted)"), blank=True
    )
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret expires"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The accounts user told when it is disabled (no foreign key across databases).
    owner_id = models.UUIDField(_("owner"))
    # The first failure since the last success; continuously failing for the retry window
    # disables the subscription.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("reason disabled"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} → {self.url}"

    def wants(self, event_type: str) -> bool:
        """Whether one of its patterns (`order.*`) matches `event_type`."""
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.event_types)

    @property
    def secret(self) -> str:
        """The current secret, decrypted: for signing, never for showing again."""
        return secret_decrypt(self.secret_encrypted)


class WebhookDelivery(TimestampedModel):
    """One event for one subscription: sent until the receiver answers 2xx, or given up
    after the retry window."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event type"), max_length=64)
    # Deliveries with one key go out one at a time, oldest first: the order an event is
    # about (its id, or the order_id of a payment), else its aggregate.
    ordering_key = models.CharField(_("ordering key"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred"))
    body = models.JSONField(_("body"))  # the event, as every attempt sends it
    status = StatusField(
        _("status"), max_length=16, transitions=DELIVERY_TRANSITIONS, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A sender holds the delivery until then; another sender leaves it alone.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Queued for a sender until then: the dispatch does not queue it again meanwhile.
    queued_until = models.DateTimeField(_("queued until"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="integrations_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=DeliveryStatus.PENDING),
                name="integrations_delivery_due",
            ),
            models.Index(fields=["subscription", "ordering_key", "occurred_at"]),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} → {self.subscription_id} [{self.status}]"


class WebhookAttempt(TimestampedModel):
    """One POST of a delivery: what came back and how long it took."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveIntegerField(_("number"))
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))
    # The first RESPONSE_EXCERPT_CHARS.
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error}"


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class Feed(TimestampedModel):
    """A classified's feed of the cars on sale (docs/feeds.md): generated ahead into storage
    (`file`, its `etag` the content's digest) and pulled by the site at its secret address;
    which cars it left out, and why, for a manager to fix."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("format"), max_length=16, choices=FeedKind.choices)
    showroom_id = models.UUIDField(
        _("showroom"), null=True, blank=True, help_text=_("Empty: every showroom's cars.")
    )
    token = models.CharField(_("secret token"), max_length=64, unique=True, default=_feed_token)
    contact_name = models.CharField(
        _("contact name"),
        max_length=100,
        default="Отдел продаж",
        help_text=_("Whom buyers ask for: ManagerName on Avito, the contact's name on Auto.ru."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    file = models.CharField(_("file in storage"), max_length=300, blank=True, editable=False)
    etag = models.CharField(_("ETag"), max_length=64, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True, editable=False)
    published_count = models.PositiveIntegerField(_("cars in"), default=0, editable=False)
    # [{"id", "name", "reasons": [Misfit codes]}], the cars on sale the feed left out.
    excluded = models.JSONField(_("cars left out"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("classifieds feed")
        verbose_name_plural = _("classifieds feeds")
        ordering = ["kind", "created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({str(self.pk)[:8]})"


class CreditDiscount(models.Model):
    """The dealer's credit discount as financing's `credit_discount.*` events report it, the
    newest change kept: what a feed says a car saves with a loan (docs/feeds.md,
    "Discounts"). Financing owns the rule; this is its copy."""

    id = models.UUIDField(_("ID"), primary_key=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("cars"), max_length=8, blank=True)
    max_price = models.DecimalField(
        _("highest price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    makes = models.JSONField(_("makes"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    min_loan_amount = models.DecimalField(_("least loan"), max_digits=12, decimal_places=2)
    is_active = models.BooleanField(_("active"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("credit discount")
        verbose_name_plural = _("credit discounts")
        ordering = ["-amount"]

    def __str__(self):
        return self.name


class OutboxEvent(OutboxEventBase):
    """Empty so far (integrations emits no event), kept like every app's so that the relay,
    the metrics and the dead-letter commands treat it as the others."""

    class Meta(OutboxEventBase.Meta):
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
