from django.urls import reverse
from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from documents.choices import DocumentKind
from documents.models import Document


class DocumentOutputSerializer(serializers.ModelSerializer):
    """A generated document; `url` reads its PDF, for the order's customer and staff."""

    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True, read_only=True)
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
            "url",
        ]

    def get_url(self, document: Document) -> str:
        return reverse("document-file", args=[document.pk])


class DocumentRequestInputSerializer(StrictInputSerializer):
    """A customer asks for the offer; staff may ask for any kind, which supersedes the
    order's current one."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
