"""The order list as a file (CSV, XLSX): what the admin's list shows, with its filters and its
search (docs/admin.md, "Lists"). Money goes out as numbers, so that a spreadsheet sums it."""

from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields, resources, widgets

from accounts import selectors as accounts_selectors
from orders.models import Order, OrderItem


def vehicles_of(items: list[OrderItem]) -> list[str]:
    """The names of an order's vehicles, or of its other products when it has none."""
    return [i.product_name for i in items if i.is_vehicle] or [i.product_name for i in items]


class OrderResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name=_("Order"))
    created = fields.Field(column_name=_("Created"))
    customer = fields.Field(column_name=_("Customer"))
    email = fields.Field(column_name=_("E-mail"))
    phone = fields.Field(column_name=_("Phone"))
    vehicle = fields.Field(column_name=pgettext_lazy("order list column", "Purchase"))
    status = fields.Field(column_name=_("Status"))
    total_amount = fields.Field(
        attribute="total_amount",
        column_name=_("Total"),
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )
    paid_amount = fields.Field(
        attribute="paid_amount",
        column_name=_("Paid"),
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )
    currency = fields.Field(attribute="currency", column_name=_("Currency"))

    class Meta:
        model = Order
        fields = [
            "number",
            "created",
            "customer",
            "email",
            "phone",
            "vehicle",
            "status",
            "total_amount",
            "paid_amount",
            "currency",
        ]
        export_order = fields

    def before_export(self, queryset, **kwargs):
        # The customers' phones live in accounts: one query for the whole file.
        super().before_export(queryset, **kwargs)
        self._people = accounts_selectors.user_cards(
            user_ids=queryset.order_by().values_list("customer_id", flat=True).distinct()
        )

    def _card(self, order):
        return getattr(self, "_people", {}).get(str(order.customer_id))

    def dehydrate_created(self, order):
        return localtime(order.created_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_customer(self, order):
        card = self._card(order)
        return order.customer_name or (card.full_name if card else "")

    def dehydrate_email(self, order):
        card = self._card(order)
        return order.customer_email or (card.email if card else "")

    def dehydrate_phone(self, order):
        card = self._card(order)
        return str(card.phone) if card and card.phone else ""

    def dehydrate_vehicle(self, order):
        return ", ".join(vehicles_of(order.line_items))

    def dehydrate_status(self, order):
        return str(order.get_status_display())
