from django.urls import reverse
from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from documents.choices import DocumentKind
from documents.models import Document


class DocumentOutputSerializer(serializers.ModelSerializer):
    """A generated document; `url` reads its PDF, for the order's customer and staff. One
    replaced names its successor (`superseded_by`); one void with none, when it became so
    (docs/documents.md, "Papers follow the terms")."""

    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True, read_only=True)
    superseded_by = serializers.UUIDField(
        source="replaced_by.pk",
        allow_null=True,
        read_only=True,
        help_text="The document that replaced this one, if any.",
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "number",
            "order_id",
            "language",
            "created_at",
            "sha256",
            "size",
            "supersedes",
            "superseded_by",
            "voided_at",
            "url",
        ]

    def get_url(self, document: Document) -> str:
        return reverse("document-file", args=[document.pk])


class DocumentRequestInputSerializer(StrictInputSerializer):
    """A customer asks for the offer; staff may ask for any kind, which supersedes the
    order's current one."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
