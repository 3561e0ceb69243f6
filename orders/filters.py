import django_filters
from django_filters.rest_framework import FilterSet

from common.filters import OrderingFilter, UtcIsoDateTimeFilter
from orders.choices import OrderStatus
from orders.models import Order


class OrderFilter(FilterSet):
    # One customer's orders, for staff. The queryset is already scoped to who asks
    # (orders.selectors.order_list): a client naming another customer sees nothing.
    customer_id = django_filters.UUIDFilter(field_name="customer_id")
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = OrderingFilter(fields=["created_at", "total_amount"])

    class Meta:
        model = Order
        fields = ["customer_id", "status", "created_after", "created_before"]
