import django_filters
from django_filters.rest_framework import FilterSet

from common.filters import OrderingFilter, UtcIsoDateTimeFilter
from orders.choices import OrderStatus
from orders.models import Order


class OrderFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = OrderingFilter(fields=["created_at", "total_amount"])

    class Meta:
        model = Order
        fields = ["status", "created_after", "created_before"]
