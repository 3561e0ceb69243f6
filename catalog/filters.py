import django_filters
from django import forms
from django_filters.rest_framework import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.models import Category, Product
from common.filters import OrderingFilter
from common.search import text_search


@extend_schema_field(OpenApiTypes.INT32)
class IntegerFilter(django_filters.Filter):
    """A whole number (a year): "2020.5" is refused. (django-filter's NumberFilter is for
    decimals; its types say so.)"""

    field_class = forms.IntegerField


class ProductFilter(FilterSet):
    category = django_filters.UUIDFilter(
        method="filter_category", label="Category, with descendants"
    )
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    make = django_filters.CharFilter(field_name="make", lookup_expr="iexact", max_length=60)
    model = django_filters.CharFilter(field_name="model", lookup_expr="iexact", max_length=60)
    year = IntegerFilter(field_name="year", min_value=1886, max_value=2100)
    in_stock = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_in_stock"
    )
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    ordering = OrderingFilter(fields=["price", "created_at", "name", "year", "stock_quantity"])

    class Meta:
        model = Product
        fields = ["category", "min_price", "max_price", "make", "model", "year", "in_stock"]

    def filter_category(self, queryset, name, value):
        path = Category.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(category__path__startswith=path)

    def filter_in_stock(self, queryset, name, value):
        if value == "true":
            return queryset.filter(stock_quantity__gt=0)
        return queryset.filter(stock_quantity=0)

    def filter_search(self, queryset, name, value):
        return text_search(
            queryset, ["name", "make", "model", "description"], value, using="catalog"
        )
