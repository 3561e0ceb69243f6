import django_filters
from django_filters.rest_framework import FilterSet

from common.filters import UtcIsoDateTimeFilter
from payments.choices import PayableKind, PaymentMethodType, PaymentStatus, TransactionType
from payments.models import LedgerTransaction, Payment


class _PayableFilter(FilterSet):
    """What the payments' lists share: what is paid (an order, a seat, a premium) and when."""

    payable_kind = django_filters.ChoiceFilter(choices=PayableKind.choices)
    payable_id = django_filters.UUIDFilter()
    order_id = django_filters.UUIDFilter(field_name="payable_id", help_text="Same as payable_id.")
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    PAYABLE_FIELDS = ["payable_kind", "payable_id", "order_id", "created_after", "created_before"]


class LedgerTransactionFilter(_PayableFilter):
    type = django_filters.ChoiceFilter(choices=TransactionType.choices)

    class Meta:
        model = LedgerTransaction
        fields = ["type", *_PayableFilter.PAYABLE_FIELDS]


class PaymentFilter(_PayableFilter):
    """A payer's payments by what they pay, status and method."""

    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    method = django_filters.ChoiceFilter(choices=PaymentMethodType.choices)

    class Meta:
        model = Payment
        fields = ["status", "method", *_PayableFilter.PAYABLE_FIELDS]
