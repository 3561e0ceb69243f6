import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db(databases="__all__")

URL = reverse("products-list")


def rows(client, **params) -> dict:
    """The listed products by name, with their stock."""
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return {row["name"]: row["stock_quantity"] for row in response.json()["results"]}


def test_a_repeated_list_request_is_served_with_only_its_stock_read(api_client):
    ProductFactory(name="Kia Rio")
    first = api_client.get(URL, {"page_size": 5})

    with CaptureQueriesContext(connections["catalog"]) as queries:
        second = api_client.get(URL, {"page_size": 5})

    assert second.json() == first.json()
    (query,) = queries.captured_queries  # the page from the cache, its stock read afresh
    assert query["sql"].startswith("SELECT id, stock_quantity FROM catalog_product WHERE id IN")


def test_a_list_with_other_parameters_is_not_served_from_another_pages_entry(api_client):
    ProductFactory(name="cheap", price=1)
    ProductFactory(name="dear", price=1000)
    rows(api_client, ordering="price")

    assert list(rows(api_client, ordering="-price")) == ["dear", "cheap"]
    assert list(rows(api_client, ordering="price")) == ["cheap", "dear"]


def test_creating_a_product_drops_the_cached_list(api_client, manager_client, run_on_commit):
    category = CategoryFactory()
    ProductFactory(name="old", category=category)
    assert rows(api_client) == {"old": 5}

    with run_on_commit():
        manager_client.post(
            URL, {"name": "new", "price": "1", "category": category.pk}, format="json"
        )

    assert rows(api_client) == {"old": 5, "new": 0}


def test_updating_and_deactivating_a_product_drop_the_cached_list(
    api_client, manager_client, run_on_commit
):
    renamed, withdrawn = ProductFactory(name="before"), ProductFactory(name="withdrawn")
    assert set(rows(api_client)) == {"before", "withdrawn"}

    with run_on_commit():
        manager_client.patch(
            reverse("products-detail", args=[renamed.pk]), {"name": "after"}, format="json"
        )
        manager_client.delete(reverse("products-detail", args=[withdrawn.pk]))

    assert set(rows(api_client)) == {"after"}


def test_reserving_adjusting_and_releasing_stock_drop_the_cached_list(api_client, run_on_commit):
    product = ProductFactory(name="car", stock_quantity=5)
    order_id = uuid.uuid4()
    assert rows(api_client) == {"car": 5}

    with run_on_commit():
        services.stock_reserve(order_id=order_id, items={product.pk: 2})
    reserved = rows(api_client)
    with run_on_commit():
        services.stock_adjust(order_id=order_id, product_id=product.pk, quantity=4)
    adjusted = rows(api_client)
    with run_on_commit():
        services.stock_release(order_id=order_id)
    released = rows(api_client)

    assert (reserved, adjusted, released) == ({"car": 3}, {"car": 1}, {"car": 5})


def test_renaming_or_moving_a_category_drops_the_cached_list(
    api_client, manager_client, run_on_commit
):
    parent, child = CategoryFactory(name="Parent"), CategoryFactory(name="Child")
    ProductFactory(name="car", category=child)
    assert api_client.get(URL).json()["results"][0]["category_name"] == "Child"
    assert api_client.get(URL, {"category": parent.pk}).json()["count"] == 0

    with run_on_commit():
        manager_client.patch(
            reverse("categories-detail", args=[child.pk]),
            {"name": "Renamed child", "parent": str(parent.pk)},
        )

    assert api_client.get(URL).json()["results"][0]["category_name"] == "Renamed child"
    assert api_client.get(URL, {"category": parent.pk}).json()["count"] == 1
