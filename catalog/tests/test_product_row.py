"""The product list's rows are built directly (`product_row`), answer what
`ProductOutputSerializer` would (docs/api.md, "Responses"), and a page that is not cached
costs three queries whatever its size."""

from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.api.serializers import ProductOutputSerializer, product_row
from catalog.selectors import product_list
from catalog.tests.factories import CategoryFactory, ProductFactory
from common.api.renderers import JSONRenderer

pytestmark = pytest.mark.django_db(databases="__all__")


def test_rows_read_the_same_both_ways():
    category = CategoryFactory(name="Crossovers «2026»")
    ProductFactory(
        name="Haval Jolion",
        description="Line one\nline two\u2029",
        price=Decimal("2199000.5"),
        stock_quantity=0,
        category=category,
        make="Haval",
        model="Jolion",
        year=2026,
        vin="LGWEF6A75MH250237",
    )
    ProductFactory(price=Decimal("0.01"), stock_quantity=7, category=category)

    for product in product_list():  # the serializer leaves `category` a UUID for the renderer
        rendered = JSONRenderer().render(product_row(product))
        assert rendered == JSONRenderer().render(ProductOutputSerializer(product).data)


@pytest.mark.parametrize("page_size", [1, 20, 100])
def test_a_page_not_in_the_cache_costs_three_queries_whatever_its_size(api_client, page_size):
    categories = [CategoryFactory() for _ in range(3)]
    for index in range(120):
        ProductFactory(category=categories[index % 3])

    with CaptureQueriesContext(connections["catalog"]) as queries:
        response = api_client.get(reverse("products-list"), {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    # The count, the page with its categories joined, and the page's photos.
    assert len(queries.captured_queries) == 3
