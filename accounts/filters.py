import django_filters
from django.db.models import Q
from django_filters.rest_framework import FilterSet

from accounts.choices import Role
from accounts.models import User


class UserFilter(FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="E-mail, name or phone", max_length=200
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = ["search", "role", "is_active"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(email__icontains=value) | Q(full_name__icontains=value) | Q(phone__icontains=value)
        )
