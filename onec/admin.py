"""The exchange with 1C in the admin (docs/1c.md, "The exchange log"): its accounts, each
session and file with what it created, changed and refused and why, and the mappings staff
keep (groups, properties, warehouses, retail price types, order statuses)."""

from uuid import UUID

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, admin_link, display
from common.admin.display import ReadOnlyInline
from common.showrooms import showroom_names
from onec.models import (
    ExchangeAccount,
    ExchangeFile,
    ExchangeSession,
    GroupMapping,
    PriceTypeMapping,
    PropertyMapping,
    Refusal,
    StatusMapping,
    WarehouseMapping,
)
from onec.services import sessions
from orders.choices import OrderStatus

DB = "onec"


def _uuid(value: object) -> UUID | None:
    return value if isinstance(value, UUID) or value is None else UUID(str(value))


def _showrooms() -> list[tuple[UUID, str]]:
    return list(showroom_names())


def _categories() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(c.pk), c.name) for c in catalog_selectors.category_list()]


class OnecAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    using = DB


class AccountForm(forms.ModelForm):
    """An account's settings; a password typed here replaces the stored one."""

    new_password = forms.CharField(
        label=_("new password"),
        required=False,
        strip=False,
        min_length=12,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters. Empty: the password stays as it is."),
    )

    class Meta:
        model = ExchangeAccount
        fields = ["login", "name", "is_active", "encoding", "use_zip", "overwrite_descriptions"]

    def clean(self):
        cleaned = super().clean()
        if self.instance._state.adding and not cleaned.get("new_password"):
            self.add_error("new_password", _("A new account needs a password."))
        return cleaned


@admin.register(ExchangeAccount)
class ExchangeAccountAdmin(OnecAdmin):
    form = AccountForm
    list_display = ["login", "name", "is_active", "encoding", "last_catalog_at", "last_sale_at"]
    readonly_fields = ["last_catalog_at", "last_sale_at", "sale_cursor"]

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("new_password")
        if password:
            sessions.account_password_set(account=obj, password=password, save=False)
        obj.save(using=DB)


class RefusalInline(ReadOnlyInline):
    model = Refusal
    fields = readonly_fields = ("record", "name", "reason")
    max_num = 0


# What a file did: the exchange log's columns of each file.
FILE_OUTCOMES = ("total", "position", "created", "changed", "unchanged", "refused", "skipped",
                 "failure_reason", "finished_at")  # fmt: skip


class FileInline(ReadOnlyInline):
    model = ExchangeFile
    fields = readonly_fields = ("file_link", "status", "size", *FILE_OUTCOMES)

    @display(_("file"))
    def file_link(self, obj):
        return admin_link("admin:onec_exchangefile_change", obj.pk, obj.name)


@admin.register(ExchangeSession)
class ExchangeSessionAdmin(ReadOnlyAdminMixin, OnecAdmin):
    list_display = ["created_at", "account", "exchange_type", "client_ip", "orders_sent",
                    "succeeded_at"]  # fmt: skip
    list_filter = ["exchange_type", "account"]
    fields = readonly_fields = (
        "account",
        "exchange_type",
        "client_ip",
        "created_at",
        "expires_at",
        "orders_sent",
        "succeeded_at",
    )
    inlines = [FileInline]


@admin.register(ExchangeFile)
class ExchangeFileAdmin(ReadOnlyAdminMixin, OnecAdmin):
    list_display = ["name", "session", "status", "total", "created", "changed", "unchanged",
                    "refused", "skipped", "finished_at"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["name"]
    fields = readonly_fields = ("session", "name", "status", "size", "parts", *FILE_OUTCOMES)
    inlines = [RefusalInline]


class GroupForm(forms.ModelForm):
    category_id = forms.TypedChoiceField(
        label=_("category"), coerce=_uuid, choices=_categories, required=False, empty_value=None
    )

    class Meta:
        model = GroupMapping
        fields = ["onec_id", "name", "target", "category_id"]


@admin.register(GroupMapping)
class GroupMappingAdmin(OnecAdmin):
    form = GroupForm
    list_display = ["name", "target", "category"]
    list_filter = ["target"]
    search_fields = ["name", "onec_id"]

    @display(_("Category"))
    def category(self, obj):
        names = {str(pk): name for pk, name in _categories()}
        return names.get(str(obj.category_id), "—")


@admin.register(PropertyMapping)
class PropertyMappingAdmin(OnecAdmin):
    list_display = ["name", "field"]
    search_fields = ["name"]


class WarehouseForm(forms.ModelForm):
    showroom_id = forms.TypedChoiceField(label=_("showroom"), coerce=_uuid, choices=_showrooms)

    class Meta:
        model = WarehouseMapping
        fields = ["name", "onec_id", "showroom_id"]


@admin.register(WarehouseMapping)
class WarehouseMappingAdmin(OnecAdmin):
    form = WarehouseForm
    list_display = ["name", "showroom"]
    search_fields = ["name", "onec_id"]

    @display(_("Showroom"))
    def showroom(self, obj):
        return dict(showroom_names()).get(obj.showroom_id, "—")


@admin.register(PriceTypeMapping)
class PriceTypeMappingAdmin(OnecAdmin):
    list_display = ["name"]


class StatusForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("order status"), choices=OrderStatus.choices)

    class Meta:
        model = StatusMapping
        fields = ["status", "onec_name"]


@admin.register(StatusMapping)
class StatusMappingAdmin(OnecAdmin):
    form = StatusForm
    list_display = ["status_name", "onec_name"]

    @display(_("Order status"), ordering="status")
    def status_name(self, obj):
        return OrderStatus(obj.status).label if obj.status in OrderStatus.values else obj.status
