from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog import services
from catalog.models import Category, Product, StockReservation
from common.admin import (
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    date_range_filter,
    id_column,
    money_column,
)


class CatalogAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    """Saves go through the catalog services."""

    using = "catalog"


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["name", "level", "parent", "created_at"]
    list_filter = ["level", date_range_filter("created_at")]
    search_fields = ["name"]
    list_select_related = ["parent"]
    readonly_fields = ["level", "path", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ["name", "description", "parent"]}
        if change:
            services.category_update(category=obj, **fields)
        else:
            services.category_create(id=obj.pk, **fields)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.category_delete(category=category)


@admin.register(Product)
class ProductAdmin(CatalogAdmin):
    list_display = [
        "name",
        "category",
        "make",
        "model",
        "year",
        "price_shown",
        "stock_quantity",
        "is_active",
    ]
    list_filter = ["is_active", "make", "category", date_range_filter("created_at")]
    search_fields = ["name", "make", "model", "vin"]
    list_select_related = ["category"]
    readonly_fields = ["created_at", "updated_at"]

    # With its currency and thousands separators, in the user's language (docs/admin.md).
    price_shown = money_column("price", pgettext_lazy("catalog", "Price"))

    def save_model(self, request, obj, form, change):
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.product_update(product=obj, **changed)
        else:
            services.product_create(id=obj.pk, **form.cleaned_data)

    def has_delete_permission(self, request, obj=None):
        return False  # products are withdrawn (is_active), never erased


@admin.register(StockReservation)
class StockReservationAdmin(ReadOnlyAdminMixin, CatalogAdmin):
    list_display = ["order", "product", "quantity", "status", "created_at"]
    order = id_column("order_id", _("Order"), page="admin:orders_order_change")
    list_filter = ["status", date_range_filter("created_at")]
    search_fields = ["=order_id", "product__name"]
    list_select_related = ["product"]
    readonly_fields = [f.name for f in StockReservation._meta.fields]
