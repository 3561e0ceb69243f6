"""Specification 001's field names, accepted as aliases of ours (docs/api.md, "Aliases"):
`parent_id` for a category's `parent`, `category_id` and `quantity` for a product's
`category` and `stock_quantity`."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

CATEGORIES = reverse("categories-list")
PRODUCTS = reverse("products-list")


def test_a_category_named_with_parent_id_is_placed_under_that_parent(admin_client):
    cars = CategoryFactory(name="Cars")

    response = admin_client.post(
        CATEGORIES, {"name": "SUV", "parent_id": str(cars.pk)}, format="json"
    )

    assert response.status_code == 201, response.content
    suv = Category.objects.get(name="SUV")
    assert (suv.parent_id, suv.level) == (cars.pk, 1)
    assert response.json()["parent"] == str(cars.pk)


@pytest.mark.parametrize("root", [0, None])
def test_a_parent_id_of_0_or_null_makes_a_root_category_as_in_specification_001(admin_client, root):
    response = admin_client.post(
        CATEGORIES, {"name": "Electronics", "parent_id": root}, format="json"
    )

    assert response.status_code == 201, response.content
    category = Category.objects.get(name="Electronics")
    assert (category.parent_id, category.level) == (None, 0)


def test_a_category_sent_with_both_parent_and_parent_id_is_refused_naming_both(admin_client):
    cars = CategoryFactory(name="Cars")

    response = admin_client.post(
        CATEGORIES,
        {"name": "SUV", "parent": str(cars.pk), "parent_id": str(cars.pk)},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"parent", "parent_id"}
    assert not Category.objects.filter(name="SUV").exists()


def test_a_parent_id_that_is_no_category_is_an_error_naming_parent_id(admin_client):
    response = admin_client.post(
        CATEGORIES,
        {"name": "SUV", "parent_id": "00000000-0000-4000-8000-000000000001"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"parent_id"}
    assert not Category.objects.filter(name="SUV").exists()


def test_a_category_moves_under_another_by_parent_id(admin_client):
    cars, suv = CategoryFactory(name="Cars"), CategoryFactory(name="SUV")

    response = admin_client.patch(
        reverse("categories-detail", args=[suv.pk]), {"parent_id": str(cars.pk)}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Category.objects.get(pk=suv.pk).parent_id == cars.pk


def test_specification_001s_product_body_with_our_ids_creates_the_product(admin_client):
    suv = CategoryFactory(name="SUV")

    response = admin_client.post(
        PRODUCTS,
        {
            "name": "Crossover X",
            "description": "Four-wheel drive",
            "price": "30000.00",
            "category_id": str(suv.pk),
            "quantity": 5,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    product = Product.objects.get(name="Crossover X")
    assert (product.category_id, product.stock_quantity, product.price) == (
        suv.pk,
        5,
        Decimal("30000.00"),
    )
    assert response.json()["stock_quantity"] == 5


def test_a_product_sent_with_both_names_of_a_field_is_refused_naming_both(admin_client):
    suv = CategoryFactory(name="SUV")

    response = admin_client.post(
        PRODUCTS,
        {
            "name": "Crossover X",
            "price": "30000.00",
            "category": str(suv.pk),
            "quantity": 5,
            "stock_quantity": 5,
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"quantity", "stock_quantity"}
    assert not Product.objects.filter(name="Crossover X").exists()


def test_an_invalid_quantity_is_an_error_naming_quantity(admin_client):
    suv = CategoryFactory(name="SUV")

    response = admin_client.post(
        PRODUCTS,
        {"name": "Crossover X", "price": "1.00", "category_id": str(suv.pk), "quantity": -1},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"quantity"}
    assert not Product.objects.filter(name="Crossover X").exists()


def test_a_products_stock_is_counted_again_by_quantity(admin_client):
    product = ProductFactory(stock_quantity=2)

    response = admin_client.patch(
        reverse("products-detail", args=[product.pk]), {"quantity": 7}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Product.objects.get(pk=product.pk).stock_quantity == 7


def test_the_schema_documents_the_aliases_as_optional_properties():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    category = components["schemas"]["CategoryInputRequest"]
    product = components["schemas"]["ProductInputRequest"]

    assert "Alias of `parent`" in category["properties"]["parent_id"]["description"]
    assert "Alias of `category`" in product["properties"]["category_id"]["description"]
    assert "Alias of `stock_quantity`" in product["properties"]["quantity"]["description"]
    assert "parent_id" not in category.get("required", [])
    assert {"category_id", "quantity"}.isdisjoint(product.get("required", []))
