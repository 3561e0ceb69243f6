from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from common.admin import (
    AwaitingSecondApproval,
    CreatedColumnMixin,
    DatabaseAdminMixin,
    DecisionTrailInline,
    ExportMixin,
    ExportResource,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ShowroomScopedAdminMixin,
    TotalsMixin,
    admin_link,
    awaiting_second_approval_filter,
    date_range_filter,
    display,
    id_column,
    money_column,
    reason_action,
    short_id,
)
from common.admin.people import PeopleMixin
from common.admin.references import OrderLinksMixin
from common.formatting import money
from payments import selectors, services
from payments.choices import (
    DeskPaymentStatus,
    PayableKind,
    PaymentMode,
    RefundDecision,
    RefundStatus,
    vat_rate_label,
)
from payments.models import (
    DeskPayment,
    DeskPaymentDecision,
    LedgerTransaction,
    Payment,
    ProviderNotification,
    Receipt,
    Refund,
    RefundApproval,
)
from payments.services import desk


def _refund(request, payment, reason):
    refund = services.payment_refund(payment_id=payment.pk, reason=reason, user=request.user)
    if refund.status == RefundStatus.AWAITING_APPROVAL:
        return AwaitingSecondApproval(
            settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE, payment.currency
        )
    return refund


class PaymentResource(ExportResource):
    class Meta:
        model = Payment
        fields = export_order = [
            "id",
            "created_at",
            "payable_kind",
            "payable_id",
            "customer_id",
            "amount",
            "refunded_amount",
            "currency",
            "method",
            "status",
            "provider",
            "provider_reference",
            "processed_at",
        ]


class RefundResource(ExportResource):
    class Meta:
        model = Refund
        fields = export_order = [
            "id",
            "created_at",
            "payment",
            "amount",
            "status",
            "reason",
            "provider_reference",
        ]


class ReadOnlyPaymentsAdmin(DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money moves only through the services: refunds are an action on the payments."""

    using = "payments"


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = readonly_fields = ("created_at", "amount_shown", "status", "reason")
    verbose_name_plural = _("Refunds")

    amount_shown = money_column(
        "amount", _("Amount"), currency=lambda refund: refund.payment.currency
    )


class ReceiptInline(ReadOnlyInline):
    """The payment's fiscal receipts (docs/payments.md, "Fiscal receipts"), as sent."""

    model = Receipt
    fk_name = "payment"
    fields = readonly_fields = (
        "created_at",
        "kind",
        "status",
        "lines_shown",
        "total_shown",
        "provider_reference",
    )
    verbose_name_plural = _("Fiscal receipts")

    total_shown = money_column("total", _("Total"), currency=lambda receipt: receipt.currency)

    @admin.display(description=_("Lines"))
    def lines_shown(self, receipt: Receipt) -> str:
        return "; ".join(
            f"{line['description']} × {line['quantity']}: "
            f"{money(Decimal(line['price']), receipt.currency)}, "
            f"{PaymentMode(line['payment_mode']).label.lower()}, "
            + _("VAT %s")
            % vat_rate_label(line["vat_code"])
            for line in receipt.lines
        )


# Where each kind of payable but an order (by its number: `order_link`) is shown, and how a
# payment names it.
PAYABLE_PAGES = {
    PayableKind.REGISTRATION: ("admin:showroom_registration_change", _("Event seat %s")),
    PayableKind.POLICY: ("admin:insurance_policy_change", _("Premium of policy %s")),
    PayableKind.WORK_ORDER: ("admin:service_workorder_change", _("Work order %s")),
}


class PayableShowroomMixin(ShowroomScopedAdminMixin):
    """Payments' rows belong to the showroom of their payable (`payable_field` names its id)."""

    showroom_field = "payable_showroom_id"
    payable_field = "payable_id"

    def with_showroom(self, records):
        return selectors.with_showroom(records, payable=self.payable_field)


@admin.register(Payment)
class PaymentAdmin(
    PayableShowroomMixin,
    OrderLinksMixin,
    PeopleMixin,
    ExportMixin,
    TotalsMixin,
    CreatedColumnMixin,
    ReadOnlyPaymentsAdmin,
):
    list_display = [
        "number",
        "paid_for",
        "amount_shown",
        "refunded",
        "status",
        "created",
    ]
    list_filter = [date_range_filter("created_at"), "status", "method", "currency", "provider"]
    # By the short id the list shows (or the whole one), by the order's (the payable's), by
    # the provider's reference, and by the payer's name, e-mail or phone.
    search_fields = ["^id", "^payable_id", "=customer_id", "provider_reference"]
    people_fields = {"customer_id": _("payer"), "created_by_id": _("created by")}
    people_search_fields = ("customer_id",)
    totals = ["amount", "refunded_amount"]
    resource_classes = [PaymentResource]
    inlines = [RefundInline, ReceiptInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "paid_for",
                    "customer_id_person",
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
                    "created_by_id_person",
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
        "customer_id_person",
        "amount_shown",
        "refunded",
    ]
    actions = [
        reason_action(
            _refund,
            name="refund",
            description=_("Refund what is left of the selected payments"),
            done=pgettext_lazy("action done", "Refunded"),
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
        if payment.payable_kind == PayableKind.ORDER:
            return format_html("{} {}", _("Order"), self.order_link(payment))
        page, label = PAYABLE_PAGES[payment.payable_kind]
        return admin_link(page, payment.payable_id, label % str(payment.payable_id)[:8])

    def order_of(self, payment):
        return payment.payable_id if payment.payable_kind == PayableKind.ORDER else None

    amount_shown = money_column("amount", _("Amount"))

    refunded = money_column("refunded_amount", pgettext_lazy("amount", "Refunded"))


class RefundApprovalInline(DecisionTrailInline):
    model = RefundApproval


def _decision_action(
    decide, record: str, decision: RefundDecision, *, description: StrOrPromise, done: StrOrPromise
):
    """An action deciding the selected records awaiting a second staff member: `decide` is the
    service, called with the record's id under `<record>_id`."""

    def apply(request, row, reason):
        decide(**{f"{record}_id": row.pk}, decision=decision, reason=reason, user=request.user)

    return reason_action(
        apply,
        name=f"{record}_{decision.value}",
        description=description,
        done=done,
        permission="refund",
    )


@admin.register(Refund)
class RefundAdmin(
    PayableShowroomMixin, ExportMixin, TotalsMixin, CreatedColumnMixin, ReadOnlyPaymentsAdmin
):
    payable_field, owner_field = "payment__payable_id", "payment__customer_id"
    list_display = ["number", "of_payment", "amount_shown", "status", "reason", "created"]
    list_filter = [
        awaiting_second_approval_filter(
            waiting=Q(status=RefundStatus.AWAITING_APPROVAL),
            not_by=("created_by_id", "payment__customer_id"),
        ),
        date_range_filter("created_at"),
        "status",
    ]
    list_select_related = ["payment"]
    search_fields = [
        "^id",
        "^payment__id",
        "^payment__payable_id",
        "provider_reference",
        "reason",
    ]
    totals = ["amount"]
    totals_currency_field = "payment__currency"
    resource_classes = [RefundResource]
    inlines = [RefundApprovalInline]
    actions = [
        _decision_action(
            services.refund_decide,
            "refund",
            RefundDecision.APPROVED,
            description=_("Approve the selected refunds awaiting a second staff member"),
            done=pgettext_lazy("action done", "Approved"),
        ),
        _decision_action(
            services.refund_decide,
            "refund",
            RefundDecision.REJECTED,
            description=_("Reject the selected refunds awaiting a second staff member"),
            done=pgettext_lazy("action done", "Rejected"),
        ),
    ]

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.add_refund")

    @display(_("Refund"), ordering="created_at")
    def number(self, refund):
        return short_id(refund.pk)

    @display(_("Payment"))
    def of_payment(self, refund):
        return admin_link(
            "admin:payments_payment_change", refund.payment_id, short_id(refund.payment_id)
        )

    amount_shown = money_column(
        "amount", _("Amount"), currency=lambda refund: refund.payment.currency
    )


class DeskPaymentDecisionInline(DecisionTrailInline):
    model = DeskPaymentDecision


@admin.register(DeskPayment)
class DeskPaymentAdmin(
    PayableShowroomMixin, TotalsMixin, CreatedColumnMixin, ReadOnlyPaymentsAdmin
):
    """What the dealership's cash desk took, as 1C reports it (docs/1c.md, "Payments")."""

    payable_field = "order_id"
    list_display = ["document_number", "source", "order", "amount_shown", "status", "created"]
    list_filter = [
        awaiting_second_approval_filter(
            waiting=Q(status=DeskPaymentStatus.AWAITING_APPROVAL), not_by=("customer_id",)
        ),
        date_range_filter("created_at"),
        "status",
        "source",
    ]
    search_fields = ["document_number", "^order_id"]
    totals = ["amount"]
    inlines = [DeskPaymentDecisionInline]
    actions = [
        _decision_action(
            desk.desk_payment_decide,
            "desk_payment",
            RefundDecision.APPROVED,
            description=_("Approve the selected cash desk payments"),
            done=pgettext_lazy("action done", "Approved"),
        ),
        _decision_action(
            desk.desk_payment_decide,
            "desk_payment",
            RefundDecision.REJECTED,
            description=_("Reject the selected cash desk payments"),
            done=pgettext_lazy("action done", "Rejected"),
        ),
    ]

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.add_refund")

    @display(_("Order"))
    def order(self, row):
        return admin_link("admin:orders_order_change", row.order_id, short_id(row.order_id))

    amount_shown = money_column("amount", _("Amount"), currency=lambda row: row.currency)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(
    PayableShowroomMixin, TotalsMixin, CreatedColumnMixin, ReadOnlyPaymentsAdmin
):
    list_display = [
        "created",
        "type",
        "amount_shown",
        "payable_kind",
        "payable",
        "of_payment",
        "loan",
    ]
    list_filter = [date_range_filter("created_at"), "type", "payable_kind", "currency"]
    list_select_related = ["payment"]
    search_fields = [
        "^payable_id",
        "=customer_id",
        "^payment__id",
        "^loan_application_id",
        "provider_reference",
    ]
    totals = ["amount"]

    amount_shown = money_column("amount", _("Amount"))
    payable = id_column("payable_id", _("Payable"))
    of_payment = id_column("payment_id", _("Payment"), page="admin:payments_payment_change")
    loan = id_column(
        "loan_application_id",
        _("Loan application"),
        page="admin:financing_loanapplication_change",
    )


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyPaymentsAdmin):
    """What the provider told us and what became of it: applied, ignored or refused."""

    list_display = ["created_at", "provider", "event_type", "reference", "status", "note"]
    list_filter = [date_range_filter("created_at"), "provider", "status", "kind"]
    search_fields = ["=reference", "=ours", "=event_id"]
