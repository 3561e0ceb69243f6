import uuid

from django.db import models

from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from integrations.choices import DeliveryStatus
from integrations.signing import secret_decrypt


class WebhookSubscription(TimestampedModel):
    """A partner's endpoint and the event types it wants (docs/integrations.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=2000)
    # Patterns of event types: `order.created`, `order.*`, `*`.
    event_types = models.JSONField(default=list)
    # Signs each delivery (Standard Webhooks: `whsec_` and base64), kept encrypted
    # (integrations/signing.py); shown once, when it is made (docs/integrations.md, "Secrets").
    secret_encrypted = models.TextField()
    # The secret a rotation replaced: it signs too, alongside, until then.
    previous_secret_encrypted = models.TextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # The accounts user told when it is disabled (no foreign key across databases).
    owner_id = models.UUIDField()
    # The first failure since the last success; continuously failing for the retry window
    # disables the subscription.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} → {self.url}"

    @property
    def secret(self) -> str:
        """The current secret, decrypted: for signing, never for showing again."""
        return secret_decrypt(self.secret_encrypted)


class WebhookDelivery(TimestampedModel):
    """One event for one subscription: sent until the receiver answers 2xx, or given up
    after the retry window."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=64)
    # Deliveries with one key go out one at a time, oldest first: the order an event is
    # about (its id, or the order_id of a payment), else its aggregate.
    ordering_key = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    body = models.JSONField()  # the event, as every attempt sends it
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A sender holds the delivery until then; another sender leaves it alone.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Queued for a sender until then: the dispatch does not queue it again meanwhile.
    queued_until = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at"]
        verbose_name_plural = "webhook deliveries"
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

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    response_excerpt = models.TextField(blank=True)  # the first RESPONSE_EXCERPT_CHARS
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error}"


class OutboxEvent(OutboxEventBase):
    """Empty so far (integrations emits no event), kept like every app's so that the relay,
    the metrics and the dead-letter commands treat it as the others."""

    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        pass
