from django.contrib import admin

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin
from orders.models import Order, OrderItem, OrderStatusHistory


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ["product_id", "product_name", "unit_price", "quantity", "line_total"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusHistoryInline(admin.TabularInline):
    model = OrderStatusHistory
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "changed_by_id",
        "changed_by_role",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Orders live in the `orders` database; this page only shows them. Every change goes
    through the order services (status actions come with the managers' admin)."""

    list_display = [
        "id",
        "customer_email",
        "status",
        "total_amount",
        "paid_amount",
        "currency",
        "created_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["=id", "customer_email", "customer_name"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderItemInline, OrderStatusHistoryInline]
    using = "orders"
