import django_filters

from service.models import MaintenanceMenu


class MenuFilter(django_filters.FilterSet):
    """The maintenance menus of a make and model (either alone, any case)."""

    make = django_filters.CharFilter(lookup_expr="iexact", max_length=60)
    model = django_filters.CharFilter(lookup_expr="iexact", max_length=60)

    class Meta:
        model = MaintenanceMenu
        fields = ["make", "model"]
