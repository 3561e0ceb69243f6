from django.contrib import admin

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, reason_action
from orders import services
from orders.choices import OrderStatus
from orders.models import Order, OrderItem, OrderLink, OrderStatusHistory


def _status_action(status: OrderStatus, *, description: str, done: str):
    def apply(request, order, reason):
        services.order_status_set(
            order_id=order.pk, status=status, user=request.user, reason=reason
        )

    return reason_action(
        apply,
        name=f"move_to_{status}",
        description=description,
        done=done,
        permission="status_change",
    )


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


class OrderLinkInline(admin.TabularInline):
    """Payments, loans and policies as their domains last reported them."""

    model = OrderLink
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "reference_id", "status", "amount", "currency", "reported_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Orders live in the `orders` database; this page only shows them. Status changes are
    the actions below, through `order_status_set`, as through the API."""

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
    inlines = [OrderItemInline, OrderLinkInline, OrderStatusHistoryInline]
    actions = [
        _status_action(
            OrderStatus.PROCESSING,
            description="Start processing the selected orders",
            done="Processing started",
        ),
        _status_action(
            OrderStatus.COMPLETED, description="Complete the selected orders", done="Completed"
        ),
        _status_action(
            OrderStatus.CANCELLED, description="Cancel the selected orders", done="Cancelled"
        ),
    ]
    using = "orders"

    def has_status_change_permission(self, request):
        return request.user.has_perm("orders.change_order")
