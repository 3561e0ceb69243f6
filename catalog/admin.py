from django.contrib import admin

from catalog import services
from catalog.models import Category, Product, StockReservation


class CatalogAdmin(admin.ModelAdmin):
    """Catalog models live in the `catalog` database; saves go through the services."""

    using = "catalog"

    def get_queryset(self, request):
        return super().get_queryset(request).using(self.using)


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["name", "level", "parent", "created_at"]
    search_fields = ["name"]
    list_select_related = ["parent"]
    readonly_fields = ["level", "path", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ["name", "description", "parent"]}
        if change:
            services.category_update(category=obj, **fields)
        else:
            services.category_create(**fields)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)


@admin.register(Product)
class ProductAdmin(CatalogAdmin):
    list_display = [
        "name",
        "make",
        "model",
        "year",
        "price",
        "currency",
        "stock_quantity",
        "is_active",
    ]
    list_filter = ["is_active", "make", "category"]
    search_fields = ["name", "make", "model", "vin"]
    list_select_related = ["category"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.product_update(product=obj, **fields)
        else:
            services.product_create(**form.cleaned_data)


@admin.register(StockReservation)
class StockReservationAdmin(CatalogAdmin):
    list_display = ["order_id", "product", "quantity", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["=order_id"]
    list_select_related = ["product"]
    readonly_fields = [f.name for f in StockReservation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
