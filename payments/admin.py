from django.contrib import admin

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin
from payments.models import LedgerTransaction, Payment, Refund


class ReadOnlyPaymentsAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money moves only through the services (refund actions come with the managers'
    admin)."""

    using = "payments"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyPaymentsAdmin):
    list_display = [
        "id",
        "order_id",
        "amount",
        "refunded_amount",
        "currency",
        "method",
        "status",
        "created_at",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = ["=id", "=order_id", "=customer_id"]
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["id", "payment", "amount", "reason", "created_at"]
    list_select_related = ["payment"]
    search_fields = ["=payment__id"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["created_at", "type", "amount", "currency", "order_id", "payment"]
    list_filter = ["type", "currency"]
    list_select_related = ["payment"]
    search_fields = ["=order_id", "=payment__id"]
