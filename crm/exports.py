"""The client list as a file (CSV, XLSX): what the admin's list shows (crm/admin.py), with how
to reach the client and their manager by name."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from accounts import selectors as accounts_selectors
from crm import csvfiles
from crm.models import Client


class ClientResource(resources.ModelResource):
    """The client list as exported: what the list shows, with how to reach the client and
    their manager by name (the managers loaded in one query, from accounts)."""

    name = fields.Field(attribute="name", column_name=_("name"))
    type = fields.Field(column_name=_("type"))
    status = fields.Field(column_name=_("status"))
    source = fields.Field(column_name=_("source"))
    email = fields.Field(attribute="email", column_name=_("e-mail"))
    phone = fields.Field(column_name=_("phone"))
    manager = fields.Field(column_name=_("manager"))
    tags = fields.Field(column_name=_("tags"))
    created_at = fields.Field(
        attribute="created_at", column_name=_("created"), widget=widgets.DateTimeWidget()
    )
    last_activity_at = fields.Field(
        attribute="last_activity_at",
        column_name=_("last activity"),
        widget=widgets.DateTimeWidget(),
    )

    class Meta:
        model = Client
        fields = export_order = [
            "id",
            "name",
            "type",
            "status",
            "source",
            "email",
            "phone",
            "manager",
            "tags",
            "created_at",
            "last_activity_at",
        ]

    def before_export(self, queryset, **kwargs):
        self.managers = accounts_selectors.user_cards(
            user_ids=list(queryset.values_list("manager_id", flat=True))
        )

    def dehydrate_type(self, client):
        return client.get_type_display()

    def dehydrate_status(self, client):
        return client.get_status_display()

    def dehydrate_source(self, client):
        return client.get_source_display()

    def dehydrate_phone(self, client):
        return str(client.phone or "")

    def dehydrate_manager(self, client):
        card = getattr(self, "managers", {}).get(str(client.manager_id))
        return (card.full_name or card.email) if card else ""

    def dehydrate_tags(self, client):
        return csvfiles.TAG_SEPARATOR.join(sorted(tag.name for tag in client.tags.all()))
