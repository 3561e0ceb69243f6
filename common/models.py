"""Abstract models shared by every domain app. Each app declares the concrete tables in its
own `models.py`, so that they live in its own database (docs/architecture.md §3.4)."""

import uuid

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.transitions import StatusField, TransitionMap


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# What a decision says, in the reader's language (its records keep the code).
DECISION_LABELS = {
    "approved": pgettext_lazy("decision", "Approved"),
    "rejected": pgettext_lazy("decision", "Rejected"),
}


class DecisionBase(TimestampedModel):
    """One staff decision about a record that moves money (a loan, a claim, a refund): who,
    what, why and about how much; the trail the admin shows (common/four_eyes.py). A first
    approval that waits for a second staff member is one too (`final` false)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    decided_by_id = models.UUIDField(_("decided by"), db_index=True)
    decision = models.CharField(_("decision"), max_length=16)
    reason = models.CharField(_("reason"), max_length=500)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    final = models.BooleanField(_("final"))

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        decision = str(DECISION_LABELS.get(self.decision, self.decision))
        return decision if self.final else gettext("%s, the first of two") % decision


class OutboxEventBase(TimestampedModel):
    """An event written in the same transaction as the change that caused it."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=64)
    aggregate_id = models.CharField(_("aggregate"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    schema_version = models.PositiveSmallIntegerField(_("schema version"), default=1)
    # Handed to the broker (first time), and how often.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Recorded by every consumer's inbox; until then the relay hands it over again from
    # `next_attempt_at` on (common.events.publishing).
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Confirmed by RabbitMQ (common.events.amqp). An event emitted while EVENTS_AMQP_URL is
    # unset is never published there: it is stored as if it had been.
    amqp_published_at = models.DateTimeField(_("published to RabbitMQ"), null=True, blank=True)
    # Confirmed by Kafka (common.events.kafka), the same way, with EVENTS_KAFKA_BOOTSTRAP_SERVERS.
    kafka_published_at = models.DateTimeField(_("published to Kafka"), null=True, blank=True)

    class Meta:
        abstract = True
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["occurred_at"]
        indexes = [
            models.Index(fields=["published_at", "occurred_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="%(app_label)s_outbox_due",
            ),
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(amqp_published_at__isnull=True),
                name="%(app_label)s_outbox_amqp_due",
            ),
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(kafka_published_at__isnull=True),
                name="%(app_label)s_outbox_kafka_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.aggregate_id} ({self.id})"


class InboxStatus(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    DEAD = "dead", _("Dead letter")


# A dead letter that a replay applies becomes processed; a processed event stays so.
INBOX_TRANSITIONS = TransitionMap(
    "inbox entry", InboxStatus, {(InboxStatus.DEAD, InboxStatus.PROCESSED): ()}
)


class InboxEventBase(TimestampedModel):
    """One event as seen by one consumer: applied, or given up on (a dead letter).

    The row is inserted in the same transaction as the consumer's effect; the unique
    (event_id, consumer) pair makes a second delivery a no-op."""

    Status = InboxStatus

    id = models.BigAutoField(_("ID"), primary_key=True)
    event_id = models.UUIDField(_("event id"))
    consumer = models.CharField(_("consumer"), max_length=100)
    event_type = models.CharField(_("event type"), max_length=64)
    status = StatusField(_("status"), max_length=16, transitions=INBOX_TRANSITIONS)
    event = models.JSONField(_("event"), default=dict)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True
        verbose_name = _("inbox event")
        verbose_name_plural = _("inbox events")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "consumer"], name="%(app_label)s_inbox_once"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.consumer} {self.event_type} {self.event_id} [{self.status}]"


class IdempotencyKeyBase(TimestampedModel):
    """A caller's `Idempotency-Key`: a fingerprint of the request it came with and the id of
    what that request created. Each app that takes keys declares its own table, so that the
    key commits with what it created (`common.api.idempotency.run_once`)."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    owner_id = models.UUIDField(_("owner"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    resource_id = models.UUIDField(_("resource"), null=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_id", "key"], name="%(app_label)s_idempotency_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key}"
