"""The product list's filters (docs/api.md, "Vehicles"): the specification's choices, each
repeatable to select any of several values, ranges, and search. The facets count under the
same filters (`catalog.selectors.vehicle_facets`)."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.choices import BodyType, Color, Condition, Drive, Fuel, Transmission
from catalog.models import Category, Product, ProductKind
from catalog.search import product_search
from common.filters import OrderingFilter

# The facets a listing counts, each a filter of the same name.
FACETS = [
    "city",
    "showroom",
    "make",
    "model",
    "body_type",
    "fuel",
    "transmission",
    "drive",
    "condition",
    "color",
]
# A facet's field where it is not the facet's own name.
FACET_FIELDS = {"showroom": "showroom_id"}
# At most this many values of one repeatable filter: more is no buyer's choice.
MAX_VALUES = 20
MAX_NAME_LENGTH = 60


@extend_schema_field(OpenApiTypes.INT32)
class IntegerFilter(django_filters.Filter):
    """A whole number (a year): "2020.5" is refused. (django-filter's NumberFilter is for
    decimals; its types say so.)"""

    field_class = forms.IntegerField


class RepeatedWidget(forms.TextInput):
    """Several values from a repeated parameter (`make=Kia&make=Haval`), a comma-separated
    one (`make=Kia,Haval`) or both, in the order given."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [part.strip() for value in values for part in value.split(",") if part.strip()]


class NamesField(forms.Field):
    """Several names (`RepeatedWidget`)."""

    widget = RepeatedWidget

    def clean(self, value):
        names = [name.strip() for name in value or [] if name and name.strip()]
        if len(names) > MAX_VALUES:
            raise forms.ValidationError(_("At most %(count)s values.") % {"count": MAX_VALUES})
        for name in names:  # as Django's CharField does: PostgreSQL stores no NUL
            ProhibitNullCharactersValidator()(name)
        if any(len(name) > MAX_NAME_LENGTH for name in names):
            raise forms.ValidationError(
                _("At most %(count)s characters a value.") % {"count": MAX_NAME_LENGTH}
            )
        return names


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "maxLength": MAX_NAME_LENGTH},
        "maxItems": MAX_VALUES,
    }
)
class AnyNameFilter(django_filters.Filter):
    """Any of several names, in any case: `make=kia&make=Haval`."""

    field_class = NamesField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(reduce(or_, (Q(**{f"{self.field_name}__iexact": name}) for name in value)))


class SpecificationFilter(django_filters.MultipleChoiceFilter):
    """Any of several values of a vehicle's specification: `body_type=suv&body_type=van`.
    Only vehicles have one, and saying so lets PostgreSQL read the partial index of the
    vehicles' facets (catalog_vehicle_facets) beside a search's."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(kind=ProductKind.VEHICLE, **{f"{self.field_name}__in": value})


def any_of(choices) -> SpecificationFilter:
    # No DISTINCT: the list joins nothing that could repeat a product.
    return SpecificationFilter(choices=choices, widget=RepeatedWidget, distinct=False)


class IdsField(forms.Field):
    """Several ids (`RepeatedWidget`)."""

    widget = RepeatedWidget

    def clean(self, value):
        if len(value or []) > MAX_VALUES:
            raise forms.ValidationError(_("At most %(count)s values.") % {"count": MAX_VALUES})
        return [forms.UUIDField().clean(item) for item in value or []]


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "format": "uuid"}, "maxItems": MAX_VALUES}
)
class AnyIdFilter(django_filters.Filter):
    """Any of several ids: `showroom=<id>&showroom=<id>`."""

    field_class = IdsField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class ProductFilter(FilterSet):
    category = django_filters.UUIDFilter(
        method="filter_category", label="Category, with descendants"
    )
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    city = AnyNameFilter(field_name="city")
    showroom = AnyIdFilter(field_name="showroom_id")
    make = AnyNameFilter(field_name="make")
    model = AnyNameFilter(field_name="model")
    condition = any_of(Condition.choices)
    body_type = any_of(BodyType.choices)
    fuel = any_of(Fuel.choices)
    transmission = any_of(Transmission.choices)
    drive = any_of(Drive.choices)
    color = any_of(Color.choices)
    year = IntegerFilter(field_name="year", min_value=1886, max_value=2100)
    min_year = IntegerFilter(field_name="year", lookup_expr="gte", min_value=1886, max_value=2100)
    max_year = IntegerFilter(field_name="year", lookup_expr="lte", min_value=1886, max_value=2100)
    max_mileage = IntegerFilter(
        field_name="mileage_km", lookup_expr="lte", min_value=0, max_value=2_000_000
    )
    min_power_hp = IntegerFilter(
        field_name="power_hp", lookup_expr="gte", min_value=0, max_value=2000
    )
    max_power_hp = IntegerFilter(
        field_name="power_hp", lookup_expr="lte", min_value=0, max_value=2000
    )
    in_stock = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_in_stock"
    )
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    is_active = django_filters.BooleanFilter(
        label="Staff only: false lists the vehicles off sale (a trade-in awaiting its price)"
    )
    ordering = OrderingFilter(
        fields=["price", "created_at", "name", "year", "stock_quantity", "mileage_km", "power_hp"]
    )

    class Meta:
        model = Product
        fields = ["category", "min_price", "max_price", "year", "in_stock"]

    def queryset_without(self, without: str | None) -> QuerySet[Product]:
        """The queryset under the valid filters but the one named `without`: a facet's
        count (`catalog.selectors.vehicle_facets`), validated once for all the facets."""
        assert self.queryset is not None  # given to every ProductFilter
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_category(self, queryset, name, value):
        # A subquery, not a query of its own: no category, no product.
        path = Category.objects.filter(pk=value).values("path")[:1]
        return queryset.filter(category__path__startswith=Subquery(path))

    def filter_in_stock(self, queryset, name, value):
        if value == "true":
            return queryset.filter(stock_quantity__gt=0)
        return queryset.filter(stock_quantity=0)

    def filter_search(self, queryset, name, value):
        return product_search(queryset, value)
