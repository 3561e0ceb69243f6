"""The documents in the admin (docs/documents.md): the legal entity edited as a form, its
requisites read only and changed by a proposal another staff member confirms; a template's new
version written from the current one and previewed as a PDF; documents read only, opened, and
generated again (a new number that supersedes the old), each marked in force, replaced (by
which) or void."""

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import (
    DatabaseAdminMixin,
    GroupChangesAdminMixin,
    ReadOnlyAdminMixin,
    ShowroomScopedAdminMixin,
    VersionedTemplateAdmin,
    display,
    service_action,
)
from common.admin.people import PeopleMixin
from common.admin.references import OrderLinksMixin
from common.api.exceptions import ApplicationError
from common.types import Actor
from documents import rendering, selectors, services
from documents.choices import TEMPLATE_LANGUAGES
from documents.models import (
    REQUISITE_FIELDS,
    Document,
    DocumentTemplate,
    LegalEntity,
    RequisitesChange,
)
from documents.services.requisites import RequisitesKeeper

DB = "documents"


def _keeper(request) -> bool:
    return request.user.is_staff and request.user.has_perm(services.REQUISITES_PERMISSION)


@admin.register(LegalEntity)
class LegalEntityAdmin(GroupChangesAdminMixin, DatabaseAdminMixin, admin.ModelAdmin):
    """The requisites the customers pay to are read only here: a change of them is a proposal
    that another staff member confirms (docs/documents.md, "Requisites"). Only those allowed
    to change the requisites add a legal entity or choose the one that signs, and a new one
    signs nothing until another of them confirms its requisites."""

    using = DB
    list_display = ["short_name", "showroom", "inn", "account", "is_default", "confirmed_at"]
    fieldsets = [
        (None, {"fields": ["showroom", "is_default", "name", "short_name", "address"]}),
        (_("Registration"), {"fields": ["inn", "kpp", "ogrn", "phone", "email"]}),
        (
            _("Bank"),
            {
                "fields": [
                    "bank_name",
                    "bik",
                    "account",
                    "correspondent_account",
                    "requisites_change_link",
                ]
            },
        ),
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
        (_("Four eyes"), {"fields": ["added_by_id", "confirmed_by_id", "confirmed_at"]}),
    ]
    actions = [
        service_action(
            lambda request, entity: services.legal_entity_confirm(
                legal_entity_id=entity.pk, user=cast(RequisitesKeeper, request.user)
            ),
            description=_("Confirm the new legal entity's requisites (a second staff member)"),
            done=_("Requisites confirmed"),
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _keeper(request)

    def get_readonly_fields(self, request, obj=None):
        four_eyes = ["requisites_change_link", "added_by_id", "confirmed_by_id", "confirmed_at"]
        if obj is None:  # a new one signs nothing until it is confirmed
            return [*four_eyes, "is_default"]
        readonly = [*REQUISITE_FIELDS, *four_eyes]
        if _keeper(request) and obj.confirmed_at is not None:
            return readonly
        return [*readonly, "is_default"]

    @display(_("change of the requisites"))
    def requisites_change_link(self, entity: LegalEntity) -> str:
        if entity.pk is None:
            return "—"
        return format_html(
            '<a href="{}?legal_entity={}">{}</a>',
            reverse("admin:documents_requisiteschange_add"),
            entity.pk,
            _("Propose a change (another staff member confirms it)"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(using=DB)
        else:  # recorded as added by this staff member, waiting for another's confirmation
            services.legal_entity_add(entity=obj, user=cast(RequisitesKeeper, request.user))


class RequisitesChangeForm(forms.ModelForm):
    """A proposal: the legal entity and its new requisites, checked as the service checks
    them before it is made."""

    class Meta:
        model = RequisitesChange
        fields = ["legal_entity", *REQUISITE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {field: cleaned.get(field) or "" for field in REQUISITE_FIELDS}
        try:
            services.requisites_change_check(entity=cleaned["legal_entity"], values=values)
        except ApplicationError as error:
            for field, problems in error.details.items():
                if field in self.fields:
                    self.add_error(field, problems)
            raise forms.ValidationError(str(error.message)) from error
        return cleaned


@admin.register(RequisitesChange)
class RequisitesChangeAdmin(PeopleMixin, DatabaseAdminMixin, admin.ModelAdmin):
    """Proposals of new requisites: made by "add", confirmed or rejected from the list by
    another staff member allowed to (four eyes, docs/documents.md "Requisites"); never
    edited."""

    using = DB
    form = RequisitesChangeForm
    people_fields = {
        "proposed_by_id": _("proposed by"),
        "confirmed_by_id": _("confirmed by"),
        "rejected_by_id": _("rejected by"),
    }
    list_display = [
        "legal_entity",
        "account",
        "bik",
        "status",
        "proposed_by_id_person",
        "proposed_at",
        "confirmed_by_id_person",
        "confirmed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["legal_entity"]
    readonly_fields = [
        "status",
        "previous",
        "proposed_by_id_person",
        "proposed_at",
        "confirmed_by_id_person",
        "confirmed_at",
        "rejected_by_id_person",
        "rejected_at",
    ]
    actions = [
        service_action(
            lambda request, change: services.requisites_change_confirm(
                change_id=change.pk, user=cast(RequisitesKeeper, request.user)
            ),
            description=_("Confirm the proposed requisites (a second staff member)"),
            done=_("Confirmed"),
        ),
        service_action(
            lambda request, change: services.requisites_change_reject(
                change_id=change.pk, user=cast(RequisitesKeeper, request.user)
            ),
            description=_("Reject the proposed requisites"),
            done=_("Rejected"),
        ),
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["legal_entity", *REQUISITE_FIELDS]
        return ["legal_entity", *REQUISITE_FIELDS, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return _keeper(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        entity = LegalEntity.objects.using(DB).filter(pk=initial.get("legal_entity")).first()
        if entity is None:
            return initial
        return {**initial, **{field: getattr(entity, field) for field in REQUISITE_FIELDS}}

    def save_model(self, request, obj, form, change):
        # The service checks, records the proposer and tells the staff allowed to confirm.
        made = services.requisites_change_propose(
            legal_entity_id=form.cleaned_data["legal_entity"].pk,
            values={field: form.cleaned_data[field] for field in REQUISITE_FIELDS},
            user=request.user,
        )
        obj.pk = made.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:  # a proposal made at the same moment
            self.message_user(request, str(error.message), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:documents_requisiteschange_changelist"))


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
            rendering.css_check(cleaned.get("css") or "")
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
class DocumentAdmin(
    ShowroomScopedAdminMixin,
    OrderLinksMixin,
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    using = DB
    list_display = [
        "number", "kind", "order", "language_name", "created_at", "standing", "file_link"
    ]  # fmt: skip
    list_filter = ["kind", "language"]
    list_select_related = ["superseded_by"]
    search_fields = ["number", "=order_id"]
    readonly_fields = ["file_link", "sha256", "supersedes", "standing", "template"]
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

    @display(_("order"), ordering="order_id")
    def order(self, document: Document) -> str:
        return self.order_link(document)

    @display(_("language"), ordering="language")
    def language_name(self, document: Document) -> str:
        return str(dict(TEMPLATE_LANGUAGES).get(document.language, document.language))

    @display(_("in force"))
    def standing(self, document: Document) -> str:
        """In force, replaced by a newer one (linked), or void with no successor
        (docs/documents.md, "Papers follow the terms")."""
        replaced_by = document.replaced_by
        if replaced_by is not None:
            return format_html(
                '{} <a href="{}">{}</a>',
                _("replaced by"),
                reverse("admin:documents_document_change", args=[replaced_by.pk]),
                replaced_by.number,
            )
        if document.voided_at is not None:
            return format_html(
                "{}: {}", _("void"), document.get_void_reason_display() or document.void_reason
            )
        return str(_("in force"))

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
