"""The CRM in the admin. A manager sees the clients the API shows them (their own and the
unassigned leads); a client's page shows its contacts and its timeline. Clients and contacts
are created and edited through forms that call the services (crm/admin_forms.py), and the
list's actions call them too, so that every change has its event. The client list exports
what it shows (crm/exports.py), and imports a CSV file after a preview of its rows
(crm/csvfiles.py, as `manage.py crm_import`)."""

import csv
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import selectors as accounts_selectors
from common.admin import (
    DatabaseAdminMixin,
    ExportMixin,
    ReadOnlyAdminMixin,
    date_range_filter,
    reason_action,
    service_action,
)
from common.admin.forms import ServiceFormAdminMixin
from common.formatting import short_datetime
from common.types import Actor
from crm import csvfiles, selectors, services
from crm.admin_forms import (
    ClientForm,
    ContactForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReassignForm,
)
from crm.choices import ClientSource, ClientStatus, ClientType
from crm.exports import ClientResource
from crm.models import Client, Contact, Erasure, Tag

DB = "crm"
TIMELINE_SHOWN = 50
PREVIEW_ROWS_SHOWN = 200


def _staff(request: HttpRequest) -> Actor:
    """Who acts in the admin: a member of staff, as the admin site lets no one else in."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class CrmAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Contact
    fields = ("name", "role", "phone", "email", "preferred_channel", "created_at")
    readonly_fields = fields
    extra = 0


class ManagerNamesMixin:
    """The manager of each client by name: the page's managers loaded in one query, from
    accounts (they live in its database)."""

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        class ManagersChangeList(base):
            def get_results(self, request):
                super().get_results(request)
                cards = accounts_selectors.user_cards(
                    user_ids=[client.manager_id for client in self.result_list]
                )
                for client in self.result_list:
                    client._managers = cards

        return ManagersChangeList

    @admin.display(description=_("manager"), ordering="manager_id")
    def manager(self, client):
        if client.manager_id is None:
            return "—"
        cards = getattr(client, "_managers", None)
        if cards is None:  # a record's own page: one lookup
            cards = accounts_selectors.user_cards(user_ids=[client.manager_id])
        card = cards.get(str(client.manager_id))
        return (card.full_name or card.email) if card else _("a member of staff since removed")


def _row_shown(row: dict) -> dict:
    """A row to import as the preview shows it: choices by their labels."""
    return {
        **row,
        "type": ClientType(row["type"]).label,
        "status": ClientStatus(row["status"]).label,
        "source": ClientSource(row["source"]).label,
    }


@admin.register(Client)
class ClientAdmin(ManagerNamesMixin, ServiceFormAdminMixin, ExportMixin, CrmAdmin):
    """Leads and customers: created and edited through the services, archived and taken
    with the actions; never deleted here (an erasure is `manage.py crm_erase`)."""

    form = ClientForm
    resource_classes = [ClientResource]
    change_list_template = "admin/crm/client/change_list_import.html"
    list_display = ["name", "type", "status", "source", "manager", "last_activity_at"]
    list_filter = [
        date_range_filter("created_at", _("created")),
        date_range_filter("last_activity_at", _("last activity")),
        "type",
        "status",
        "source",
        "lead_source",
        "tags",
    ]
    search_fields = ["name", "email", "phone", "contacts__name", "contacts__phone"]
    ordering = ["-last_activity_at"]
    inlines = [ContactInline]
    readonly_fields = [
        "lead_source",  # from the source a manager gives, or the first order's
        "account_sign_ins",
        "timeline",
        "last_activity_at",
        "archived_at",
        "merged_into",
        "erased_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *["type", "name", "status", "source", "lead_source", "manager_id", "user_id"],
                    "account_sign_ins",
                ]
            },
        ),
        (
            _("Details"),
            {"fields": ["industry", "description", "tax_id", "email", "phone", "tags"]},
        ),
        (
            _("History"),
            {"fields": ["last_activity_at", "archived_at", "merged_into", "erased_at"]},
        ),
        (_("Timeline"), {"fields": ["timeline"]}),
    ]
    actions = [
        service_action(
            lambda request, client: services.client_take(
                actor=_staff(request), client_id=client.pk
            ),
            description=_("Take the selected leads"),
            done=_("Taken"),
        ),
        service_action(
            lambda request, client: services.client_archive(client_id=client.pk),
            description=_("Archive the selected clients"),
            done=_("Archived"),
        ),
        reason_action(
            lambda request, client, manager_id: services.client_update(
                actor=_staff(request), client_id=client.pk, manager_id=manager_id
            ),
            name="reassign",
            description=_("Reassign the selected clients to another manager"),
            done=_("Reassigned"),
            permission="reassign",
            form_class=ReassignForm,
        ),
    ]

    def has_reassign_permission(self, request):
        return request.user.is_superuser  # the service allows admins only

    def get_queryset(self, request):
        return selectors.client_list(user=request.user).using(DB)

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new client: no history, no timeline yet
            return self.fieldsets[:2]
        return self.fieldsets

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.archived_at is not None or obj.erased_at is not None):
            return False  # the service refuses any change to it
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # archived with the action; erased with `manage.py crm_erase`

    def changelist_view(self, request, extra_context=None):
        mine = selectors.my_clients(user=request.user)
        stale = selectors.stale_leads(mine).count()
        subtitle = ngettext(
            "%(count)d of my leads gone quiet", "%(count)d of my leads gone quiet", stale
        ) % {"count": stale}
        extra_context = {**(extra_context or {}), "subtitle": subtitle}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("Account's linked sign-ins"))
    def account_sign_ins(self, client):
        """What the client's account signs in with besides a password; admins unlink on the
        account's own page."""
        if client.user_id is None:
            return _("no account")
        cards = accounts_selectors.identity_cards(user_id=client.user_id)
        return format_html_join(
            ", ",
            "{} {} ({} {}, {} {})",
            (
                (
                    c.provider,
                    c.email,
                    _("linked"),
                    date_format(localtime(c.linked_at), "SHORT_DATE_FORMAT"),
                    _("last sign-in"),
                    short_datetime(c.last_login_at) if c.last_login_at else _("never"),
                )
                for c in cards
            ),
        ) or _("none")

    @admin.display(description=_("Latest activity"))
    def timeline(self, client):
        entries = selectors.client_activity(client=client)[:TIMELINE_SHOWN]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            (
                (
                    short_datetime(a.occurred_at),
                    a.get_kind_display(),
                    a.summary,
                    a.source_type,
                    a.source_id,
                )
                for a in entries
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            _("When"),
            _("What"),
            _("Summary"),
            _("Source"),
            rows,
        )

    # IMPORT: upload, preview, confirm (crm/csvfiles.py)
    # --------------------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="crm_client_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV file, see each row as it would be imported or why it would not, then
        confirm: the rows are validated again then, as `manage.py crm_import` does."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request)
        upload = ImportUploadForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            request=request,
        )
        context = {"form": upload, "title": _("Import clients from a CSV file")}
        if upload.is_valid():
            try:
                text = upload.cleaned_data["file"].read().decode("utf-8-sig")
                report = csvfiles.clients_read(io.StringIO(text, newline=""))
            except (UnicodeDecodeError, csv.Error, csvfiles.UnreadableFile) as exc:
                upload.add_error("file", _("The file cannot be read: %(why)s") % {"why": exc})
            else:
                context.update(
                    title=_("Check the rows, then import them"),
                    report=report,
                    rows_shown=[_row_shown(row) for row in report.valid[:PREVIEW_ROWS_SHOWN]],
                    confirm=ImportConfirmForm(
                        initial={
                            "text": text,
                            "manager_id": upload.cleaned_data["manager_id"] or "",
                        }
                    ),
                )
        return self._import_page(request, context)

    def _import_confirm(self, request):
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            return HttpResponseRedirect(reverse("admin:crm_client_import"))
        manager_id = confirm.cleaned_data["manager_id"] or None
        if not request.user.is_superuser:
            manager_id = request.user.pk  # a manager's import is their own
        try:
            report = csvfiles.clients_import(
                io.StringIO(confirm.cleaned_data["text"], newline=""),
                dry_run=False,
                manager_id=manager_id,
            )
        except (csv.Error, csvfiles.UnreadableFile) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:crm_client_import"))
        self.message_user(
            request,
            ngettext(
                "%(count)d client imported; %(rejected)d rows left out.",
                "%(count)d clients imported; %(rejected)d rows left out.",
                report.imported,
            )
            % {"count": report.imported, "rejected": len(report.rejected)},
            messages.SUCCESS if report.imported else messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:crm_client_changelist"))

    def _import_page(self, request, context):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/crm/client/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "columns": csvfiles.COLUMNS,
                **context,
            },
        )


@admin.register(Contact)
class ContactAdmin(ServiceFormAdminMixin, CrmAdmin):
    """A client's contacts: added and edited through the services, with their events."""

    form = ContactForm
    list_display = ["name", "client", "role", "phone", "email", "preferred_channel", "created_at"]
    list_filter = [date_range_filter("created_at", _("created")), "preferred_channel"]
    list_select_related = ["client"]
    search_fields = ["name", "email", "phone", "client__name"]

    def get_queryset(self, request):
        clients = selectors.client_list(user=request.user).using(DB)
        return super().get_queryset(request).filter(client__in=clients)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.client.archived_at is not None:
            return False  # the service refuses any change to an archived client's
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(CrmAdmin):
    """Renaming or deleting a tag changes every manager's clients: admins only."""

    list_display = ["name", "created_at"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdminMixin, CrmAdmin):
    """The audit of right-to-be-forgotten requests (`manage.py crm_erase`)."""

    list_display = ["client", "requested_by", "reason", "contacts_removed", "created_at"]
    list_filter = [date_range_filter("created_at", _("created"))]
    search_fields = ["=client__id", "requested_by"]
