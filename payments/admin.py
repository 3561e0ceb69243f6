from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import (
    CreatedColumnMixin,
    DatabaseAdminMixin,
    DecisionTrailInline,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    admin_link,
    display,
    money_column,
    reason_action,
    short_id,
)
from payments import services
from payments.choices import PayableKind, RefundDecision
from payments.models import (
    LedgerTransaction,
    Payment,
    ProviderNotification,
    Refund,
    RefundApproval,
)


def _refund(request, payment, reason):
    services.payment_refund(payment_id=payment.pk, reason=reason, user=request.user)


class ReadOnlyPaymentsAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money moves only through the services: refunds are an action on the payments."""

    using = "payments"


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = readonly_fields = ["created_at", "amount_shown", "status", "reason"]
    verbose_name_plural = _("Refunds")

    amount_shown = money_column(
        "amount", _("Amount"), currency=lambda refund: refund.payment.currency
    )


# Where each kind of payable is shown, and how a payment names it.
PAYABLE_PAGES = {
    PayableKind.ORDER: ("admin:orders_order_change", _("Order %s")),
    PayableKind.REGISTRATION: ("admin:showroom_registration_change", _("Event seat %s")),
    PayableKind.POLICY: ("admin:insurance_policy_change", _("Premium of policy %s")),
}


@admin.register(Payment)
class PaymentAdmin(CreatedColumnMixin, ReadOnlyPaymentsAdmin):
    list_display = [
        "number",
        "paid_for",
        "amount_shown",
        "refunded",
        "status",
        "created",
    ]
    list_filter = ["status", "method", "currency", "provider"]
    search_fields = ["=id", "=payable_id", "=customer_id", "=provider_reference"]
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "paid_for",
                    "amount_shown",
                    "refunded",
                    "method",
                    "status",
                    "failure_reason",
                    "description",
                    "created_at",
                ]
            },
        ),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": [
                    "id",
                    "payable_kind",
                    "payable_id",
                    "customer_id",
                    "created_by_id",
                    "payment_method_id",
                    "provider",
                    "provider_reference",
                    "confirmation_url",
                    "provider_attempts",
                    "charge_started_at",
                    "processed_at",
                    "updated_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        *(f.name for f in Payment._meta.fields),
        "number",
        "paid_for",
        "amount_shown",
        "refunded",
    ]
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

    @display(_("Payment"), ordering="created_at")
    def number(self, payment):
        return short_id(payment.pk)

    @display(_("For"))
    def paid_for(self, payment):
        page, label = PAYABLE_PAGES[payment.payable_kind]
        return admin_link(page, payment.payable_id, label % str(payment.payable_id)[:8])

    amount_shown = money_column("amount", _("Amount"))

    refunded = money_column("refunded_amount", _("Refunded"))


class RefundApprovalInline(DecisionTrailInline):
    model = RefundApproval


def _refund_decision_action(decision: RefundDecision, *, description: str, done: str):
    def apply(request, refund, reason):
        services.refund_decide(
            refund_id=refund.pk, decision=decision, reason=reason, user=request.user
        )

    return reason_action(
        apply,
        name=f"refund_{decision.value}",
        description=description,
        done=done,
        permission="refund",
    )


@admin.register(Refund)
class RefundAdmin(ReadOnlyPaymentsAdmin):
    list_display = ["id", "payment", "amount", "status", "reason", "created_at"]
    list_filter = ["status"]
    list_select_related = ["payment"]
    search_fields = ["=payment__id", "=payment__payable_id", "reason"]
    inlines = [RefundApprovalInline]
    actions = [
        _refund_decision_action(
            RefundDecision.APPROVED,
            description="Approve the selected refunds awaiting a second staff member",
            done="Approved",
        ),
        _refund_decision_action(
            RefundDecision.REJECTED,
            description="Reject the selected refunds awaiting a second staff member",
            done="Rejected",
        ),
    ]

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.add_refund")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyPaymentsAdmin):
    list_display = [
        "created_at",
        "type",
        "amount",
        "currency",
        "payable_kind",
        "payable_id",
        "payment",
        "loan_application_id",
    ]
    list_filter = ["type", "payable_kind", "currency"]
    list_select_related = ["payment"]
    search_fields = ["=payable_id", "=customer_id", "=payment__id", "=loan_application_id"]


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyPaymentsAdmin):
    """What the provider told us and what became of it: applied, ignored or refused."""

    list_display = ["created_at", "provider", "event_type", "reference", "status", "note"]
    list_filter = ["provider", "status", "kind"]
    search_fields = ["=reference", "=ours", "=event_id"]
