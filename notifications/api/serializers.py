from zoneinfo import available_timezones

from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from notifications.choices import Category, Channel
from notifications.models import Delivery, Preference
from notifications.selectors import masked


class ChannelPreferenceSerializer(StrictInputSerializer):
    transactional = serializers.BooleanField(required=False)
    reminders = serializers.BooleanField(required=False)
    marketing = serializers.BooleanField(required=False)


class PreferenceInputSerializer(StrictInputSerializer):
    email = ChannelPreferenceSerializer(required=False)
    sms = ChannelPreferenceSerializer(required=False)
    marketing_consent = serializers.BooleanField(
        required=False, help_text="Consent to offers and news: recorded with its time."
    )
    time_zone = serializers.ChoiceField(
        choices=sorted(available_timezones()),
        required=False,
        help_text="Quiet hours for SMS (21:00 to 09:00) are in this zone.",
    )


class PreferenceOutputSerializer(serializers.Serializer):
    email = serializers.SerializerMethodField()
    sms = serializers.SerializerMethodField()
    marketing_consent = serializers.SerializerMethodField()
    marketing_consent_at = serializers.DateTimeField(allow_null=True)
    time_zone = serializers.CharField()

    def _channel(self, preference: Preference, channel: str) -> dict[str, bool]:
        return {category: preference.allows(channel, category) for category in Category.values}

    def get_email(self, preference: Preference) -> dict[str, bool]:
        return self._channel(preference, Channel.EMAIL)

    def get_sms(self, preference: Preference) -> dict[str, bool]:
        return self._channel(preference, Channel.SMS)

    def get_marketing_consent(self, preference: Preference) -> bool:
        return preference.marketing_consent_at is not None


class NotificationLogOutputSerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField(help_text="Masked.")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "notice",
            "category",
            "channel",
            "recipient",
            "order_id",
            "status",
            "reason",
            "attempts",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields

    def get_recipient(self, delivery: Delivery) -> str:
        return masked(delivery.recipient)
