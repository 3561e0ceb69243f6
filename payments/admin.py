from django.contrib import admin

from common.admin import DatabaseAdminMixin, ReadOnlyAdminMixin, reason_action
from payments import services
from payments.models import LedgerTransaction, Payment, ProviderNotification, Refund


def _refund(request, payment, reason):
    services.payment_refund(payment_id=payment.pk, reason=reason, user=request.user)


class ReadOnlyPaymentsAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money moves only through the services: refunds are an action on the payments."""

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
        "provider",
        "created_at",
    ]
    list_filter = ["status", "method", "currency", "provider"]
    search_fields = ["=id", "=order_id", "=customer_id", "=provider_reference"]
    date_hierarchy = "created_at"
    actions = [
        reason_action(
            _refund,
            name="refund",
            description="Refund what is left of the selected payments",
            done="Refunded",
            permission="refund",
        )
    ]

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.add_refund")


@admin.register(Refund)
class RefundAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["id", "payment", "amount", "status", "reason", "created_at"]
    list_filter = ["status"]
    list_select_related = ["payment"]
    search_fields = ["=payment__id", "=payment__order_id", "reason"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["created_at", "type", "amount", "currency", "order_id", "payment"]
    list_filter = ["type", "currency"]
    list_select_related = ["payment"]
    search_fields = ["=order_id", "=customer_id", "=payment__id"]


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyPaymentsAdmin):
    """What the provider told us and what became of it: applied, ignored or refused."""

    list_display = ["created_at", "provider", "event_type", "reference", "status", "note"]
    list_filter = ["provider", "status", "kind"]
    search_fields = ["=reference", "=ours", "=event_id"]
