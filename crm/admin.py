"""The CRM in the admin. A manager sees the clients the API shows them (their own and the
unassigned leads); a client's page shows its contacts and its timeline. Records change through
the services, in the API or the actions here, so that every change has its event."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, id_column, service_action
from crm import selectors, services
from crm.models import Client, Contact, Erasure, Tag

DB = "crm"
TIMELINE_SHOWN = 50


class CrmAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Contact
    fields = ["name", "role", "phone", "email", "preferred_channel", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Client)
class ClientAdmin(ReadOnlyAdminMixin, CrmAdmin):
    list_display = ["name", "type", "status", "source", "manager", "last_activity_at"]
    manager = id_column("manager_id", _("Manager"))
    list_filter = ["type", "status", "source", "tags"]
    search_fields = ["name", "email", "phone", "contacts__name", "contacts__phone"]
    ordering = ["-last_activity_at"]
    inlines = [ContactInline]
    readonly_fields = ["account_sign_ins", "timeline"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    *["type", "name", "status", "source", "manager_id", "user_id"],
                    "account_sign_ins",
                ]
            },
        ),
        ("Details", {"fields": ["industry", "description", "tax_id", "email", "phone", "tags"]}),
        ("History", {"fields": ["last_activity_at", "archived_at", "merged_into", "erased_at"]}),
        ("Timeline", {"fields": ["timeline"]}),
    ]
    actions = [
        service_action(
            lambda request, client: services.client_take(actor=request.user, client_id=client.pk),
            description="Take the selected leads",
            done="Taken",
        ),
        service_action(
            lambda request, client: services.client_archive(client_id=client.pk),
            description="Archive the selected clients",
            done="Archived",
        ),
    ]

    def get_queryset(self, request):
        return selectors.client_list(user=request.user).using(DB)

    def changelist_view(self, request, extra_context=None):
        mine = selectors.my_clients(user=request.user)
        stale = selectors.stale_leads(mine).count()
        extra_context = {**(extra_context or {}), "subtitle": f"{stale} of my leads gone quiet"}
        return super().changelist_view(request, extra_context)

    @admin.display(description="Account's linked sign-ins")
    def account_sign_ins(self, client):
        """What the client's account signs in with besides a password; admins unlink on the
        account's own page."""
        if client.user_id is None:
            return "no account"
        cards = accounts_selectors.identity_cards(user_id=client.user_id)
        return (
            format_html_join(
                ", ",
                "{} {} (linked {}, last sign-in {})",
                (
                    (
                        c.provider,
                        c.email,
                        f"{c.linked_at:%Y-%m-%d}",
                        f"{c.last_login_at:%Y-%m-%d %H:%M}" if c.last_login_at else "never",
                    )
                    for c in cards
                ),
            )
            or "none"
        )

    @admin.display(description="Latest activity")
    def timeline(self, client):
        entries = selectors.client_activity(client=client)[:TIMELINE_SHOWN]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            (
                (
                    f"{a.occurred_at:%Y-%m-%d %H:%M}",
                    a.get_kind_display(),
                    a.summary,
                    a.source_type,
                    a.source_id,
                )
                for a in entries
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>What</th><th>Summary</th><th>Source</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )


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
    search_fields = ["=client__id", "requested_by"]
