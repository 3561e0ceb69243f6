from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import OutboxEvent, Product
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db(databases="__all__")

LIST_URL = reverse("products-list")


def detail_url(product) -> str:
    return reverse("products-detail", args=[product.pk])


def test_creating_a_product_writes_a_product_created_event(manager_client, run_on_commit):
    category = CategoryFactory()

    with run_on_commit():
        response = manager_client.post(
            LIST_URL,
            {"name": "Kia Rio", "price": "1200000", "stock_quantity": 2, "category": category.pk},
            format="json",
        )

    assert response.status_code == 201, response.json()
    product = Product.objects.get()
    event = OutboxEvent.objects.get()
    assert (event.type, event.aggregate_id) == ("product.created", str(product.pk))
    assert event.payload["id"] == str(product.pk)
    assert (event.payload["price"], event.payload["stock_quantity"]) == ("1200000.00", 2)
    assert event.payload["category_id"] == str(category.pk)
    assert event.published_at is not None  # handed on after commit


def test_updating_a_product_writes_a_product_updated_event(manager_client):
    product = ProductFactory(price=Decimal("100.00"))

    response = manager_client.patch(detail_url(product), {"price": "90.50"}, format="json")

    assert response.status_code == 200, response.json()
    event = OutboxEvent.objects.get()
    assert (event.type, event.aggregate_id) == ("product.updated", str(product.pk))
    assert event.payload["price"] == "90.50"


def test_deactivating_a_product_writes_a_product_updated_event(manager_client):
    product = ProductFactory()

    response = manager_client.delete(detail_url(product))

    assert response.status_code == 204
    event = OutboxEvent.objects.get()
    assert (event.type, event.aggregate_id) == ("product.updated", str(product.pk))
    assert event.payload["is_active"] is False


def test_every_change_of_a_product_is_one_more_event_in_order(manager_client):
    category = CategoryFactory()

    created = manager_client.post(
        LIST_URL, {"name": "Kia Rio", "price": "1", "category": category.pk}, format="json"
    )
    product_id = created.json()["id"]
    manager_client.patch(
        reverse("products-detail", args=[product_id]), {"name": "Kia Rio X"}, format="json"
    )
    manager_client.patch(
        reverse("products-detail", args=[product_id]), {"stock_quantity": 3}, format="json"
    )

    events = list(OutboxEvent.objects.order_by("occurred_at").values_list("type", "aggregate_id"))
    assert events == [
        ("product.created", product_id),
        ("product.updated", product_id),
        ("product.updated", product_id),
    ]
    assert OutboxEvent.objects.order_by("occurred_at").last().payload["name"] == "Kia Rio X"


def test_a_refused_write_writes_no_event(manager_client, customer_client):
    product = ProductFactory()

    refused = customer_client.patch(detail_url(product), {"name": "x"}, format="json")
    invalid = manager_client.patch(detail_url(product), {"price": "-1"}, format="json")

    assert (refused.status_code, invalid.status_code) == (403, 400)
    assert not OutboxEvent.objects.exists()
