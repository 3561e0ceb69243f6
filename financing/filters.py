import django_filters
from django_filters.rest_framework import FilterSet

from financing.choices import ApplicationStatus
from financing.models import LoanApplication


class LoanApplicationFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    order_id = django_filters.UUIDFilter()

    class Meta:
        model = LoanApplication
        fields = ["status", "order_id"]
