from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from integrations.choices import DeliveryStatus
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


class SubscriptionOutputSerializer(serializers.ModelSerializer):
    """A subscription without its secret: that is shown once, in the answer to its creation
    or its rotation (SubscriptionSecretOutputSerializer)."""

    event_types = serializers.ListField(child=serializers.CharField())
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Until then the secret the last rotation replaced still signs, alongside.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "event_types",
            "is_active",
            "owner_id",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriptionSecretOutputSerializer(SubscriptionOutputSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (Standard Webhooks); give it to the receiver only. "
        "Shown this once: it cannot be read again, only rotated."
    )

    class Meta(SubscriptionOutputSerializer.Meta):
        fields = [*SubscriptionOutputSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    url = serializers.URLField(max_length=2000)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        min_length=1,
        max_length=100,
        help_text="Event types, with wildcards: `order.*`, `*`.",
    )
    is_active = serializers.BooleanField(required=False, default=True)


class SubscriptionUpdateInputSerializer(SubscriptionInputSerializer):
    """Only the fields sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class AttemptOutputSerializer(serializers.ModelSerializer):
    attempted_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "attempted_at",
            "status_code",
            "latency_ms",
            "response_excerpt",
            "error",
            "succeeded",
        ]
        read_only_fields = fields


class DeliveryOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempt_log = AttemptOutputSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "ordering_key",
            "occurred_at",
            "status",
            "attempts",
            "next_attempt_at",
            "succeeded_at",
            "body",
            "attempt_log",
        ]
        read_only_fields = fields


class RedeliverSinceInputSerializer(StrictInputSerializer):
    since = serializers.DateTimeField(help_text="Every delivery of an event from then on.")


class RedeliveredOutputSerializer(serializers.Serializer):
    redelivered = serializers.IntegerField()
