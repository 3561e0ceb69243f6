from django_filters.rest_framework import FilterSet

from insurance.models import Claim, Policy, Quote


class QuoteFilter(FilterSet):
    class Meta:
        model = Quote
        fields = ["order_id", "insurance_type", "status"]


class PolicyFilter(FilterSet):
    class Meta:
        model = Policy
        fields = ["order_id", "insurance_type", "status"]


class ClaimFilter(FilterSet):
    class Meta:
        model = Claim
        fields = ["policy", "order_id", "status"]
