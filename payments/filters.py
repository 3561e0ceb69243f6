import django_filters
from django_filters.rest_framework import FilterSet

from common.filters import UtcIsoDateTimeFilter
from payments.choices import TransactionType
from payments.models import LedgerTransaction


class LedgerTransactionFilter(FilterSet):
    type = django_filters.ChoiceFilter(choices=TransactionType.choices)
    order_id = django_filters.UUIDFilter()
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = LedgerTransaction
        fields = ["type", "order_id", "created_after", "created_before"]
