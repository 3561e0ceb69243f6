from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.admin import (
    CreatedColumnMixin,
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    admin_link,
    changelist_link,
    display,
    money_column,
    reason_action,
    short_id,
)
from orders import services
from orders.choices import LinkKind, OrderStatus
from orders.deal import deal_of, premium_paid
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


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = readonly_fields = ["product", "unit_price_shown", "quantity", "line_total_shown"]
    verbose_name_plural = _("Items")

    @display(_("Product"))
    def product(self, item):
        return admin_link("admin:catalog_product_change", item.product_id, item.product_name)

    unit_price_shown = money_column(
        "unit_price", _("Unit price"), currency=lambda item: item.order.currency
    )
    line_total_shown = money_column(
        "line_total", _("Line total"), currency=lambda item: item.order.currency
    )


class OrderStatusHistoryInline(ReadOnlyInline):
    model = OrderStatusHistory
    fields = readonly_fields = ["created_at", "from_status", "to_status", "changed_by", "reason"]
    verbose_name_plural = _("Status history")

    @display(_("Changed by"))
    def changed_by(self, row):
        if row.changed_by_id is None:
            return row.changed_by_role
        return format_html("{} {}", row.changed_by_role, short_id(row.changed_by_id))


# Where the admin shows each kind of linked record.
LINK_PAGES = {
    LinkKind.PAYMENT: "admin:payments_payment_change",
    LinkKind.LOAN_APPLICATION: "admin:financing_loanapplication_change",
    LinkKind.INSURANCE_QUOTE: "admin:insurance_quote_change",
    LinkKind.INSURANCE_POLICY: "admin:insurance_policy_change",
    LinkKind.INSURANCE_CLAIM: "admin:insurance_claim_change",
}


class OrderLinkInline(ReadOnlyInline):
    """Payments, loans and policies as their domains last reported them, each a link to
    its own page."""

    model = OrderLink
    fields = readonly_fields = ["kind", "record", "status", "amount_shown", "reported_at"]
    verbose_name_plural = _("Payments, loans and insurance")

    @display(_("Record"))
    def record(self, link):
        return admin_link(LINK_PAGES[link.kind], link.reference_id, short_id(link.reference_id))

    amount_shown = money_column("amount", _("Amount"))


@admin.register(Order)
class OrderAdmin(CreatedColumnMixin, DatabaseAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Orders live in the `orders` database; this page only shows them. Status changes are
    the actions below, through `order_status_set`, as through the API."""

    list_display = [
        "number",
        "customer",
        "status",
        "total",
        "paid",
        "created",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["=id", "customer_email", "customer_name"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["number", "customer", "status", "total", "paid", "notes"]}),
        (_("The deal"), {"fields": ["deal"]}),
        (_("Related"), {"fields": ["payments", "loan_applications", "policies"]}),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": [
                    "id",
                    "customer_id",
                    "currency",
                    "total_quantity",
                    "sequence",
                    "paid_version",
                    "customer_synced_at",
                    "customer_scrubbed",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        *(f.name for f in Order._meta.fields),
        "number",
        "customer",
        "total",
        "paid",
        "deal",
        "payments",
        "loan_applications",
        "policies",
    ]
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

    @display(_("Order"), ordering="created_at")
    def number(self, order):
        return short_id(order.pk)

    @display(_("Customer"), ordering="customer_name")
    def customer(self, order):
        # Their client record in the CRM, which managers see (they never see accounts).
        name = order.customer_name or order.customer_email or short_id(order.customer_id)
        return changelist_link("admin:crm_client_changelist", name, user_id=order.customer_id)

    total = money_column("total_amount", _("Total"))

    paid = money_column("paid_amount", _("Paid"))

    @display(_("At a glance"))
    def deal(self, order):
        """What GET orders/{id}/deal answers (docs/deal.md, "The deal at a glance")."""
        deal = deal_of(order)
        rows = [
            (_("Paid (captured and lent)"), f"{order.paid_amount} {order.currency}"),
            (_("Payments captured"), f"{deal.captured} {order.currency}"),
            (_("Payments pending"), f"{deal.pending} {order.currency}"),
            (_("Payments refunded"), f"{deal.refunded} {order.currency}"),
            (
                _("Loan"),
                f"{deal.loan.status}, {deal.loan.amount} {order.currency}" if deal.loan else "—",
            ),
            *(
                (
                    _("Policy"),
                    f"{policy.status}, {_('premium')} {policy.amount} {order.currency}, "
                    f"{_('paid') if premium_paid(policy) else _('not paid')}",
                )
                for policy in deal.policies
            ),
            (_("Balance due"), f"{deal.balance_due} {order.currency}"),
            *((_("Still to come"), step.message) for step in deal.outstanding),
        ]
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @display(_("Payments"))
    def payments(self, order):
        return changelist_link(
            "admin:payments_payment_changelist", _("Payments of this order"), payable_id=order.pk
        )

    @display(_("Loan applications"))
    def loan_applications(self, order):
        return changelist_link(
            "admin:financing_loanapplication_changelist",
            _("Loan applications of this order"),
            order_id=order.pk,
        )

    @display(_("Insurance policies"))
    def policies(self, order):
        return changelist_link(
            "admin:insurance_policy_changelist", _("Policies of this order"), order_id=order.pk
        )
