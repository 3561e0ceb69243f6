import uuid
from typing import Any, NotRequired, TypedDict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from common.cardnumbers import FreeTextField
from orders.choices import OrderStatus
from orders.deal import loan_disbursed, premium_paid
from orders.models import Order, OrderItem, OrderLink, OrderStatusHistory
from orders.services import OrderedItem

# The limits of an order's body: the serializers' below, and `order_create_input`'s.
_MAX_ITEMS = 50
_MIN_QUANTITY = 1
_MAX_QUANTITY = 1000


class OrderItemInputSerializer(StrictInputSerializer):
    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=_MIN_QUANTITY, max_value=_MAX_QUANTITY)


class AttributionInputSerializer(StrictInputSerializer):
    """Where the buyer came from, as the partner's site saw it (docs/feeds.md, "Sources")."""

    utm_source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    utm_medium = serializers.CharField(max_length=100, required=False, allow_blank=True)
    utm_campaign = serializers.CharField(max_length=100, required=False, allow_blank=True)
    referrer = serializers.URLField(max_length=300, required=False, allow_blank=True)


class OrderCreateInputSerializer(StrictInputSerializer):
    """Only products and quantities: prices, totals, status and customer come from the server."""

    # `OrderItemInputSerializer(many=True, ...)`, which DRF's stubs take without `max_length`.
    items = OrderItemInputSerializer.many_init(allow_empty=False, max_length=_MAX_ITEMS)
    notes = FreeTextField(max_length=2000, required=False, allow_blank=True, default="")
    attribution = AttributionInputSerializer(required=False)


class OrderCreateInput(TypedDict):
    """An order's body, validated: what `order_create` takes besides the customer."""

    items: list[OrderedItem]
    notes: str
    attribution: NotRequired[dict[str, str]]


# The body order creation is nearly always sent: items of a product id and a whole
# quantity, no notes.
_ITEM_KEYS = frozenset(("product_id", "quantity"))


def order_create_input(data: object) -> OrderCreateInput:
    """`OrderCreateInputSerializer(data=data)`'s validated data, built directly from the usual
    body (docs/conventions.md, "Hot paths"). Any other body, a wrong one included, goes
    through the serializer, which answers it or refuses it with its own errors.
    orders/tests/test_order_create_input.py holds the two to the same data."""
    usual = (
        type(data) is dict
        and data.keys() == {"items"}
        and type(items := data["items"]) is list
        and 0 < len(items) <= _MAX_ITEMS
        and all(
            type(item) is dict
            and item.keys() == _ITEM_KEYS
            and type(item["product_id"]) is str
            and type(item["quantity"]) is int
            and _MIN_QUANTITY <= item["quantity"] <= _MAX_QUANTITY
            for item in items
        )
    )
    if usual:
        try:
            return {
                "items": [
                    {"product_id": uuid.UUID(item["product_id"]), "quantity": item["quantity"]}
                    for item in items
                ],
                "notes": "",
            }
        except ValueError:  # not a UUID: the serializer says so
            pass
    serializer = OrderCreateInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OrderItemQuantityInputSerializer(StrictInputSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=1000)


class OrderStatusInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    reason = FreeTextField(max_length=2000, required=False, allow_blank=True, default="")


class OrderItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["id", "product_id", "product_name", "unit_price", "quantity", "line_total"]
        read_only_fields = fields


class OrderLinkOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLink
        fields = [
            "kind",
            "reference_id",
            "status",
            "amount",
            "refunded_amount",
            "currency",
            "reported_at",
        ]
        read_only_fields = fields


class OrderOutputSerializer(serializers.ModelSerializer):
    items = OrderItemOutputSerializer(many=True, read_only=True, source="line_items")
    links = OrderLinkOutputSerializer(many=True, read_only=True, source="link_items")

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "customer_id",
            "showroom_id",
            "status",
            "items",
            "total_quantity",
            "total_amount",
            "credit_discount",
            "credit_discount_name",
            "source",
            "paid_amount",
            "currency",
            "notes",
            "links",
            "sequence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# The fields that format values in the serializer above, to format them the same way below.
_money = serializers.DecimalField(max_digits=14, decimal_places=2)
_moment = serializers.DateTimeField()


def _money_or_none(value):
    return None if value is None else _money.to_representation(value)


def order_body(order: Order) -> dict[str, Any]:
    """`OrderOutputSerializer(order).data`, built directly: the body of every order response,
    order creation's among them (docs/api.md, "Responses"). orders/tests/test_order_body.py
    holds the two to the same output."""
    return {
        "id": str(order.pk),
        "number": order.number,
        "customer_id": str(order.customer_id),
        "showroom_id": None if order.showroom_id is None else str(order.showroom_id),
        "status": order.status,
        "items": [
            {
                "id": str(item.pk),
                "product_id": str(item.product_id),
                "product_name": item.product_name,
                "unit_price": _money.to_representation(item.unit_price),
                "quantity": item.quantity,
                "line_total": _money.to_representation(item.line_total),
            }
            for item in order.line_items
        ],
        "total_quantity": order.total_quantity,
        "total_amount": _money.to_representation(order.total_amount),
        "credit_discount": _money.to_representation(order.credit_discount),
        "credit_discount_name": order.credit_discount_name,
        "source": order.source,
        "paid_amount": _money.to_representation(order.paid_amount),
        "currency": order.currency,
        "notes": order.notes,
        "links": [
            {
                "kind": link.kind,
                "reference_id": str(link.reference_id),
                "status": link.status,
                "amount": _money_or_none(link.amount),
                "refunded_amount": _money_or_none(link.refunded_amount),
                "currency": link.currency,
                "reported_at": _moment.to_representation(link.reported_at),
            }
            for link in order.link_items
        ],
        "sequence": order.sequence,
        "created_at": _moment.to_representation(order.created_at),
        "updated_at": _moment.to_representation(order.updated_at),
    }


class OrderHistoryOutputSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(
        choices=OrderStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank on the first row, when the order was placed.",
    )

    class Meta:
        model = OrderStatusHistory
        fields = [
            "id",
            "from_status",
            "to_status",
            "changed_by_id",
            "changed_by_role",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class _StatusCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    paid = serializers.IntegerField()
    processing = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class OrderStatsMyOutputSerializer(serializers.Serializer):
    total_orders = serializers.IntegerField()
    by_status = _StatusCountsSerializer()
    total_spent = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="Amount paid per ISO currency code.",
    )


class OrderStatsDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    orders = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class OrderStatsInputSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        if (
            attrs.get("date_from")
            and attrs.get("date_to")
            and attrs["date_from"] > attrs["date_to"]
        ):
            raise serializers.ValidationError({"date_from": [_("Must not be after date_to.")]})
        return attrs


class OrderStatsOutputSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    total_orders = serializers.IntegerField()
    by_status = _StatusCountsSerializer()
    revenue = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="Amount paid per ISO currency code.",
    )
    average_order = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text="Average total of orders not cancelled, per ISO currency code.",
    )
    by_day = OrderStatsDayOutputSerializer(many=True)


class DealStepOutputSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="payment_due, loan_under_review, loan_awaiting_lender or "
        "loan_awaiting_disbursement."
    )
    message = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class DealPaymentsOutputSerializer(serializers.Serializer):
    captured = serializers.DecimalField(max_digits=14, decimal_places=2)
    pending = serializers.DecimalField(max_digits=14, decimal_places=2)
    refunded = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The money the payments' refunds gave back."
    )
    items = OrderLinkOutputSerializer(many=True, source="payments")


class DealLoanOutputSerializer(OrderLinkOutputSerializer):
    disbursed = serializers.SerializerMethodField(help_text="Whether the lender paid it out.")

    class Meta(OrderLinkOutputSerializer.Meta):
        fields = [*OrderLinkOutputSerializer.Meta.fields, "disbursed"]
        read_only_fields = fields

    def get_disbursed(self, loan) -> bool:
        return loan_disbursed(loan)


class DealPolicyOutputSerializer(OrderLinkOutputSerializer):
    paid = serializers.SerializerMethodField(help_text="Whether its premium was paid.")

    class Meta(OrderLinkOutputSerializer.Meta):
        fields = [*OrderLinkOutputSerializer.Meta.fields, "paid"]
        read_only_fields = fields

    def get_paid(self, policy) -> bool:
        return premium_paid(policy)


class DealOutputSerializer(serializers.Serializer):
    """The order and every source of its money (docs/deal.md, "The deal at a glance")."""

    order = OrderOutputSerializer()
    payments = DealPaymentsOutputSerializer(source="*")
    loan = DealLoanOutputSerializer(
        allow_null=True, help_text="The latest loan application: status, amount, disbursed."
    )
    policies = DealPolicyOutputSerializer(
        many=True, help_text="Each policy's status, premium, and whether the premium is paid."
    )
    trade_in = OrderLinkOutputSerializer(
        allow_null=True,
        help_text="The buyer's old car: its status and credit (accepted: expected; inspected: "
        "recorded with the order's money).",
    )
    price_without_loan = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="The price before the credit discount the loan earned (order.credit_discount):"
        " what the buyer pays if they give the loan up.",
    )
    balance_due = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = DealStepOutputSerializer(
        many=True, help_text="What still stands between the order and paid."
    )
