import re

from django.contrib import admin
from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from common.admin import (
    CreatedColumnMixin,
    DatabaseAdminMixin,
    ExportMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ShowroomScopedAdminMixin,
    TotalsMixin,
    admin_link,
    changelist_link,
    date_range_filter,
    display,
    money_column,
    reason_action,
    short_id,
)
from common.admin.people import PeopleMixin
from common.formatting import money
from common.showrooms import showroom_names
from orders import services
from orders.choices import LinkKind, OrderStatus, link_status_words
from orders.deal import deal_of, premium_paid
from orders.exports import OrderResource, vehicles_of
from orders.models import Order, OrderItem, OrderLink, OrderStatusHistory

# Characters of a vehicle's name shown in the list (a long one is cut short).
VEHICLE_NAME_SHOWN = 24

# What a manager types for an order's number: the first characters of its id, as the list and
# the e-mails show them (at least four), or the whole id.
SHORT_ID = re.compile(r"[0-9a-f]{4,8}|[0-9a-f]{8}-[0-9a-f-]{1,28}", re.IGNORECASE)
# An order's number as a person types it: its letter in either alphabet or none, the year and
# the serial with or without its leading zeros (А-2026-000123, a-2026-123, 2026-123).
HUMAN_NUMBER = re.compile(r"(?:[АAаa]\s*-?\s*)?(\d{4})\s*-\s*(\d{1,9})")


def _status_action(status: OrderStatus, *, description, done):
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
    fields = readonly_fields = ("product", "unit_price_shown", "quantity", "line_total_shown")
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
    fields = readonly_fields = (
        "created_at",
        "from_status",
        "to_status",
        "changed_by",
        "reason_shown",
    )
    verbose_name_plural = _("Status history")

    @display(_("Reason"))
    def reason_shown(self, row):
        """A reason the system gave ("Paid in full") in the reader's language; a person's
        as they wrote it."""
        return gettext(row.reason) if row.reason else "—"

    @display(_("Changed by"))
    def changed_by(self, row):
        role = ROLE_NAMES.get(row.changed_by_role, row.changed_by_role)
        if row.changed_by_id is None:
            return role
        return format_html("{} {}", role, short_id(row.changed_by_id))


# Who changed a status, as the history stores it (`Actor`, and staff roles).
ROLE_NAMES = {
    "customer": pgettext_lazy("who changed it", "customer"),
    "client": pgettext_lazy("who changed it", "customer"),
    "manager": pgettext_lazy("who changed it", "manager"),
    "admin": pgettext_lazy("who changed it", "admin"),
    "staff": pgettext_lazy("who changed it", "staff"),
    "system": pgettext_lazy("who changed it", "system"),
    "1c": pgettext_lazy("who changed it", "1C accounting"),
}


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
    fields = readonly_fields = ("kind", "record", "status_shown", "amount_shown", "reported_at")
    verbose_name_plural = _("Payments, loans and insurance")

    @display(_("Status"))
    def status_shown(self, link):
        return link_status_words(link.kind, link.status)

    @display(_("Record"))
    def record(self, link):
        return admin_link(LINK_PAGES[link.kind], link.reference_id, short_id(link.reference_id))

    amount_shown = money_column("amount", _("Amount"))


@admin.register(Order)
class OrderAdmin(
    ShowroomScopedAdminMixin,
    ExportMixin,
    TotalsMixin,
    PeopleMixin,
    CreatedColumnMixin,
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    """Orders live in the `orders` database; this page only shows them. Status changes are
    the actions below, through `order_status_set`, as through the API.

    Found by their number (А-2026-000123, typed in either alphabet, or the id's beginning), the customer's name, e-mail or phone, and the
    vehicle's name or VIN (`get_search_results`); the list exports as CSV or XLSX and sums its
    totals under the table (docs/admin.md, "Lists")."""

    list_display = [
        "number",
        "customer",
        "vehicle",
        "status",
        "total_and_paid",
        "created",
    ]
    list_filter = ["status", "currency", date_range_filter("created_at")]
    search_fields = ["=id", "customer_email", "customer_name"]
    search_help_text = _(
        "Order number, customer's name, e-mail or phone, vehicle or VIN (four characters or more)"
    )
    people_fields = {"customer_id": _("Customer")}
    people_search_fields = ("customer_id",)
    totals = ["total_amount", "paid_amount"]
    totals_exclude = Q(status=OrderStatus.CANCELLED)
    totals_exclude_note = _("cancelled orders not counted")
    resource_classes = [OrderResource]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "customer_id_person",
                    "sold_by",
                    "status",
                    "total",
                    "credit_discount",
                    "credit_discount_name",
                    "paid",
                    "notes",
                ]
            },
        ),
        (_("The deal"), {"fields": ["deal"]}),
        (_("Related"), {"fields": ["payments", "loan_applications", "policies", "documents"]}),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": [
                    "id",
                    "customer_id",
                    "showroom_id",
                    "currency",
                    "total_quantity",
                    "sequence",
                    "paid_version",
                    "credit_discount_loan_id",
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
        "customer",
        "customer_id_person",
        "sold_by",
        "total",
        "paid",
        "deal",
        "payments",
        "documents",
        "loan_applications",
        "policies",
    ]
    inlines = [OrderItemInline, OrderLinkInline, OrderStatusHistoryInline]
    actions = [
        _status_action(
            OrderStatus.PROCESSING,
            description=_("Start processing the selected orders"),
            done=_("Processing started"),
        ),
        _status_action(
            OrderStatus.COMPLETED,
            description=_("Complete the selected orders"),
            done=_("Completed"),
        ),
        _status_action(
            OrderStatus.CANCELLED,
            description=_("Cancel the selected orders"),
            done=_("Cancelled"),
        ),
    ]
    using = "orders"

    @admin.display(description=_("showroom"))
    def sold_by(self, order):
        if order.showroom_id is None:
            return _("the group (no car)")
        return dict(showroom_names()).get(order.showroom_id, str(order.showroom_id))

    def get_queryset(self, request):
        # The vehicle column and the export read each order's items: one query per page.
        return super().get_queryset(request).prefetch_related(Prefetch("items"))

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found |= queryset.filter(self._found_beyond_fields(term))
        return found, may_have_duplicates

    @staticmethod
    def _found_beyond_fields(term: str) -> Q:
        """What a search finds besides the snapshot's name and e-mail and the account's name,
        e-mail and phone: the number, the product's name and (part of) its VIN. Each is a
        subquery on the orders database; the VIN first asks the catalog for its products."""
        items = OrderItem.objects.filter(product_name__icontains=term)
        product_ids = catalog_selectors.product_ids_matching_vin(term=term)
        if product_ids:
            items = OrderItem.objects.filter(
                Q(product_name__icontains=term) | Q(product_id__in=product_ids)
            )
        found = Q(pk__in=items.values("order_id"))
        if number := HUMAN_NUMBER.fullmatch(term):
            year, serial = number.groups()
            found |= Q(number__endswith=f"-{year}-{int(serial):06d}")
        if SHORT_ID.fullmatch(term):
            ids = Order.objects.annotate(id_text=Cast("id", CharField())).filter(
                id_text__startswith=term.lower()
            )
            found |= Q(pk__in=ids.values("pk"))
        return found

    def has_status_change_permission(self, request):
        return request.user.has_perm("orders.change_order")

    @display(_("Customer"), ordering="customer_name")
    def customer(self, order):
        # Their client record in the CRM, which managers see (they never see accounts).
        name = order.customer_name or order.customer_email or short_id(order.customer_id)
        return changelist_link("admin:crm_client_changelist", name, user_id=order.customer_id)

    @display(pgettext_lazy("order list column", "Purchase"))
    def vehicle(self, order):
        """The vehicle's name (an order of accessories alone: theirs), cut short for the list
        to fit 1280 px; every name of the order is in its title."""
        names = vehicles_of(order.line_items)
        if not names:
            return "—"
        shown = (
            names[0]
            if len(names[0]) <= VEHICLE_NAME_SHOWN
            else f"{names[0][: VEHICLE_NAME_SHOWN - 1]}…"
        )
        if len(names) > 1:
            more = ngettext("and %(count)s more", "and %(count)s more", len(names) - 1)
            shown = f"{shown} {more % {'count': len(names) - 1}}"
        return format_html('<span title="{}">{}</span>', ", ".join(names), shown)

    total = money_column("total_amount", _("Total"))

    paid = money_column("paid_amount", _("Paid"))

    @display(_("Total"), ordering="total_amount")
    def total_and_paid(self, order):
        """The total, and under it the share paid so far (in whole per cent, never rounded up
        to 100): one column, for the list to fit 1280 px; the amount paid is in its title."""
        total = money(order.total_amount, order.currency)
        if not order.total_amount or not order.paid_amount:
            return total
        share = int(order.paid_amount * 100 // order.total_amount)
        return format_html(
            '{}<br><small class="paid-share" title="{}">{}</small>',
            total,
            money(order.paid_amount, order.currency),
            _("paid %(share)s %%") % {"share": share},
        )

    @display(_("At a glance"))
    def deal(self, order):
        """What GET orders/{id}/deal answers (docs/deal.md, "The deal at a glance")."""
        deal = deal_of(order)
        currency = order.currency
        rows = [
            (_("Paid (captured and lent)"), money(order.paid_amount, currency)),
            (_("Payments captured"), money(deal.captured, currency)),
            (_("Payments pending"), money(deal.pending, currency)),
            (_("Payments refunded"), money(deal.refunded, currency)),
            (
                _("Loan"),
                f"{link_status_words(deal.loan.kind, deal.loan.status)}, "
                f"{money(deal.loan.amount, currency)}"
                if deal.loan
                else "—",
            ),
            *(
                (
                    _("Policy"),
                    _("%(status)s, premium %(premium)s, %(paid)s")
                    % {
                        "status": policy.status,
                        "premium": money(policy.amount, currency),
                        "paid": pgettext_lazy("premium", "paid")
                        if premium_paid(policy)
                        else pgettext_lazy("premium", "not paid"),
                    },
                )
                for policy in deal.policies
            ),
            (_("Balance due"), money(deal.balance_due, currency)),
            *((_("Still to come"), step.message) for step in deal.outstanding),
        ]
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @display(_("Documents"))
    def documents(self, order):
        return changelist_link(
            "admin:documents_document_changelist", _("Documents of this order"), order_id=order.pk
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
