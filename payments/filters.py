import django_filters
from django_filters.rest_framework import FilterSet

from common.filters import UtcIsoDateTimeFilter
from payments.choices import PayableKind, PaymentMethodType, PaymentStatus, TransactionType
from payments.models import LedgerTransaction, Payment


class LedgerTransactionFilter(FilterSet):
    type = django_filters.ChoiceFilter(choices=TransactionType.choices)
    payable_kind = django_filters.ChoiceFilter(choices=PayableKind.choices)
    payable_id = django_filters.UUIDFilter()
    order_id = django_filters.UUIDFilter(field_name="payable_id", help_text="Same as payable_id.")
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = LedgerTransaction
        fields = [
            "type",
            "payable_kind",
            "payable_id",
            "order_id",
            "created_after",
            "created_before",
        ]


class PaymentFilter(FilterSet):
    """A payer's payments by what they pay (an order, a seat, a premium), status and method."""

    payable_kind = django_filters.ChoiceFilter(choices=PayableKind.choices)
    payable_id = django_filters.UUIDFilter()
    order_id = django_filters.UUIDFilter(
        field_name="payable_id", help_text="The order's payments: same as payable_id."
    )
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    method = django_filters.ChoiceFilter(choices=PaymentMethodType.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Payment
        fields = [
            "payable_kind",
            "payable_id",
            "order_id",
            "status",
            "method",
            "created_after",
            "created_before",
        ]
