"""Orders move stock without dropping the cached product pages: browsing stays cached, and
still shows current stock (catalog/cache.py)."""

from uuid import uuid4

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/api/v1/catalog/products/"


def listed(client, run_on_commit, query=""):
    with CaptureQueriesContext(connections["catalog"]) as queries, run_on_commit():
        body = client.get(URL + query).json()
    stock = {row["id"]: (row["stock_quantity"], row["in_stock"]) for row in body["results"]}
    return stock, len(queries.captured_queries)


def test_a_sale_leaves_the_page_cached_and_its_stock_current(client, run_on_commit):
    car = ProductFactory(stock_quantity=1)
    ProductFactory(stock_quantity=5)
    _first, built_queries = listed(client, run_on_commit)

    with run_on_commit():
        services.stock_reserve(order_id=uuid4(), items={car.pk: 1})
    stock, queries = listed(client, run_on_commit)

    assert built_queries >= 2  # a count and the page
    assert queries == 1  # the cached page, with one read of its stock
    assert stock[str(car.pk)] == (0, False)


def test_pages_that_filter_on_stock_are_built_again(client, run_on_commit):
    car = ProductFactory(stock_quantity=1)
    before, _ = listed(client, run_on_commit, "?in_stock=true")

    with run_on_commit():
        services.stock_reserve(order_id=uuid4(), items={car.pk: 1})
    after, _ = listed(client, run_on_commit, "?in_stock=true")

    assert str(car.pk) in before
    assert str(car.pk) not in after


def test_editing_a_product_drops_every_page(client, run_on_commit, admin_client):
    car = ProductFactory(stock_quantity=1, price="100.00")
    listed(client, run_on_commit)

    with run_on_commit():
        response = admin_client.patch(f"{URL}{car.pk}/", {"price": "150.00"}, format="json")
    with run_on_commit():
        body = client.get(URL).json()

    assert response.status_code == 200
    assert [row["price"] for row in body["results"]] == ["150.00"]
