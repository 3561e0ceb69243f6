"""The documents in the admin (docs/documents.md): the legal entity edited as a form; a
template's new version written from the current one and previewed as a PDF; documents read
only, opened, and generated again (a new number that supersedes the old)."""

from typing import cast

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    VersionedTemplateAdmin,
    display,
    service_action,
)
from common.api.exceptions import ApplicationError
from common.types import Actor
from documents import rendering, selectors, services
from documents.models import Document, DocumentTemplate, LegalEntity

DB = "documents"


@admin.register(LegalEntity)
class LegalEntityAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB
    list_display = ["short_name", "showroom", "inn", "is_default"]
    fieldsets = [
        (None, {"fields": ["showroom", "is_default", "name", "short_name", "address"]}),
        (_("Registration"), {"fields": ["inn", "kpp", "ogrn", "phone", "email"]}),
        (_("Bank"), {"fields": ["bank_name", "bik", "account", "correspondent_account"]}),
        (
            _("Signatory"),
            {
                "fields": [
                    "signatory_name",
                    "signatory_title",
                    "represented_by",
                    "signatory_authority",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        obj.save(using=DB)


class TemplateVersionForm(forms.ModelForm):
    """A new version: the kind and language it is for, its HTML and CSS, and what changed."""

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "language", "html", "css", "note"]
        widgets = {
            "html": forms.Textarea(attrs={"rows": 30, "cols": 120, "spellcheck": "false"}),
            "css": forms.Textarea(attrs={"rows": 8, "cols": 120, "spellcheck": "false"}),
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            rendering.html_render(
                html=cleaned["html"],
                facts=services.sample_facts(cleaned["kind"]),
                language=cleaned["language"],
            )
        except ApplicationError as error:
            raise forms.ValidationError(str(error.message)) from error
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(VersionedTemplateAdmin[DocumentTemplate]):
    """A kind's versions in a language, each previewed as the PDF it would make of a sample
    deal."""

    using = DB
    form = TemplateVersionForm
    list_display = ["kind", "language", "version", "note", "created_at", "preview_link"]
    list_filter = ["kind", "language"]
    version_of = ("kind", "language")
    preview_text = _("PDF")

    def version_current(self, request):
        kind, language = request.GET.get("kind", ""), request.GET.get("language", "ru")
        try:
            current = selectors.template_current(kind=kind, language=language)
        except ApplicationError:  # no kind asked for, or none of it yet
            return None
        return {"html": current.html, "css": current.css}

    def version_create(self, request, data):
        return services.template_version_create(
            kind=data["kind"],
            language=data["language"],
            html=data["html"],
            css=data["css"],
            note=data["note"],
            user=request.user,
        )

    def preview(self, template):
        pdf = rendering.pdf_render(
            html=template.html,
            css=template.css,
            facts=services.sample_facts(template.kind),
            language=template.language,
        )
        return HttpResponse(pdf, content_type="application/pdf")


@admin.register(Document)
class DocumentAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    using = DB
    list_display = ["number", "kind", "order_id", "language", "created_at", "file_link"]
    list_filter = ["kind", "language"]
    search_fields = ["number", "=order_id"]
    readonly_fields = ["file_link", "sha256", "supersedes", "template"]
    exclude = ["facts", "file"]
    actions = [
        service_action(
            lambda request, document: services.document_generate(
                kind=document.kind, order_id=document.order_id, user=cast(Actor, request.user)
            ),
            description=_("Generate again (a new number that supersedes it)"),
            done=_("Generated again"),
        )
    ]

    @display(_("file"))
    def file_link(self, document: Document) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}.pdf</a>',
            reverse("admin:documents_document_file", args=[document.pk]),
            document.number,
        )

    def get_urls(self):
        return [
            path(
                "<uuid:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="documents_document_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(Document.objects.using(DB), pk=pk)
        return FileResponse(document.file.open("rb"), content_type="application/pdf")
