"""Field names follow specification 003's client examples (name, type, industry, description)
so that its clients work unchanged."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from common.cardnumbers import FreeTextField
from crm.choices import (
    LOGGED_KINDS,
    Channel,
    ClientSource,
    ClientStatus,
    ClientType,
)
from crm.models import Activity, Client, Contact

TAX_ID = re.compile(r"^(\d{10}|\d{12})$")
TAG = re.compile(r"^[\w][\w .&+-]{0,49}$")

# The API detail page of each kind of source an activity links to, where there is one.
SOURCE_PAGES = {
    "order": "orders-detail",
    "payment": "payments-detail",
    "loan_application": "financing-application-detail",
    "insurance_policy": "insurance-policy-detail",
    "insurance_claim": "insurance-claim-detail",
    "user": "users-detail",
    "client": "crm-client",
    "service_booking": "service-booking",
    "work_order": "service-work-order",
}


class ClientInputSerializer(StrictInputSerializer):
    type = serializers.ChoiceField(choices=ClientType.choices, default=ClientType.INDIVIDUAL)
    name = FreeTextField(max_length=200)
    industry = FreeTextField(max_length=100, required=False, allow_blank=True, default="")
    description = FreeTextField(max_length=2000, required=False, allow_blank=True, default="")
    tax_id = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text="INN: 10 digits for an organisation, 12 for a person or a sole trader.",
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(
        required=False, allow_blank=True, default="", help_text="Any common format; kept in E.164."
    )
    tags = serializers.ListField(
        child=serializers.RegexField(
            TAG,
            max_length=50,
            error_messages={
                "invalid": "Letters, digits, spaces and . & + -, from a letter or digit."
            },
        ),
        max_length=20,
        required=False,
        default=list,
    )
    status = serializers.ChoiceField(choices=ClientStatus.choices, default=ClientStatus.LEAD)
    manager_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="An admin's to set; a manager's own by default."
    )
    user_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="The client's account, if they have one."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # `source` is added here, after `status`: a class attribute of that name would stand
        # for the serializer's own `Field.source`.
        fields = super().get_fields()
        fields["source"] = serializers.ChoiceField(
            choices=ClientSource.choices, default=ClientSource.OTHER
        )
        for name in ("manager_id", "user_id"):
            fields[name] = fields.pop(name)
        return fields

    def validate_tax_id(self, value):
        value = value.strip()
        if value and not TAX_ID.match(value):
            raise serializers.ValidationError("Must be 10 or 12 digits.")
        return value

    def validate(self, data):
        client_type = data.get("type") or getattr(self.instance, "type", ClientType.INDIVIDUAL)
        tax_id = data.get("tax_id", "")
        if client_type == ClientType.INDIVIDUAL and len(tax_id) == 10:
            raise serializers.ValidationError({"tax_id": ["A person's tax id has 12 digits."]})
        return data


class ContactInputSerializer(StrictInputSerializer):
    name = FreeTextField(max_length=200)
    role = FreeTextField(max_length=100, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(
        required=False, allow_blank=True, default="", help_text="Any common format; kept in E.164."
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)

    def validate(self, data):
        if not (data.get("phone") or data.get("email")):
            raise serializers.ValidationError(
                {"phone": ["Give a phone or an e-mail: a contact must be reachable."]}
            )
        return data


class ClientActivityInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in LOGGED_KINDS])
    summary = FreeTextField(max_length=500)
    body = FreeTextField(max_length=10000, required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(
        required=False, help_text="When it happened; now by default. Never in the future."
    )

    def validate_occurred_at(self, value):
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError("The timeline records what has happened.")
        return value


class MergeInputSerializer(StrictInputSerializer):
    duplicate_id = serializers.UUIDField(
        help_text="The record folded into this one; it is archived, pointing here."
    )


class ClientOutputSerializer(serializers.ModelSerializer):
    tags = serializers.ManyRelatedField(  # what `SlugRelatedField(many=True)` makes
        child_relation=serializers.SlugRelatedField(slug_field="name", read_only=True),
        read_only=True,
    )
    phone = serializers.CharField(read_only=True, help_text="E.164, or empty.")
    email = serializers.CharField(read_only=True, help_text="Lower-case, or empty.")

    class Meta:
        model = Client
        fields = [
            "id",
            "type",
            "name",
            "industry",
            "description",
            "tax_id",
            "email",
            "phone",
            "tags",
            "status",
            "source",
            "lead_source",
            "user_id",
            "manager_id",
            "last_activity_at",
            "archived_at",
            "merged_into",
            "erased_at",
            "created_at",
            "updated_at",
        ]


class ContactOutputSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True, help_text="E.164, or empty.")
    email = serializers.CharField(read_only=True, help_text="Lower-case, or empty.")

    class Meta:
        model = Contact
        fields = [
            "id",
            "client_id",
            "name",
            "role",
            "phone",
            "email",
            "preferred_channel",
            "created_at",
        ]


class ClientActivityOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "summary",
            "body",
            "author_id",
            "occurred_at",
            "details",
            "created_at",
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        # `source` (`get_source`) is added here, after `occurred_at`: a class attribute of that
        # name would stand for the serializer's own `Field.source`.
        fields = super().get_fields()
        fields["source"] = serializers.SerializerMethodField()
        for name in ("details", "created_at"):
            fields[name] = fields.pop(name)
        return fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "type": {"type": "string"},
                "id": {"type": "string"},
                "url": {"type": "string", "nullable": True},
            },
        }
    )
    def get_source(self, activity):
        if not activity.source_type:
            return None
        page = SOURCE_PAGES.get(activity.source_type)
        return {
            "type": activity.source_type,
            "id": activity.source_id,
            "url": reverse(page, kwargs={"pk": activity.source_id}) if page else None,
        }
