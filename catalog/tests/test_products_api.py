from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import OutboxEvent, Product
from catalog.tests.factories import VALID_VIN, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

LIST_URL = reverse("products-list")


def detail_url(product) -> str:
    return reverse("products-detail", args=[product.pk])


def product_body(category, /, **overrides) -> dict:
    return {
        "name": "Toyota Camry",
        "description": "Two-litre, automatic",
        "price": "3200000.00",
        "currency": "RUB",
        "stock_quantity": 4,
        "category": str(category.pk),
        "make": "Toyota",
        "model": "Camry",
        "year": 2024,
        **overrides,
    }


def fields_of(product) -> dict:
    product = Product.objects.get(pk=product.pk)
    return {
        "name": product.name,
        "price": product.price,
        "stock_quantity": product.stock_quantity,
        "year": product.year,
        "is_active": product.is_active,
    }


# READING
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("client_fixture", ["api_client", "customer_client", "manager_client"])
def test_anyone_reads_the_product_list_and_a_product(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    product = ProductFactory(name="Lada Vesta", price=Decimal("1450000.50"), stock_quantity=0)

    listed = client.get(LIST_URL)
    detail = client.get(detail_url(product))

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [str(product.pk)]
    assert detail.status_code == 200
    body = detail.json()
    assert (body["name"], body["price"], body["in_stock"]) == ("Lada Vesta", "1450000.50", False)
    assert body["category_name"] == product.category.name


def test_an_unknown_product_is_404_in_the_envelope(api_client):
    response = api_client.get(reverse("products-detail", args=["0" * 32]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# WHO WRITES
# ------------------------------------------------------------------------------
def test_a_client_cannot_create_a_product(customer_client):
    category = CategoryFactory()

    response = customer_client.post(LIST_URL, product_body(category), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Product.objects.exists()


def test_an_anonymous_visitor_cannot_create_a_product(api_client):
    category = CategoryFactory()

    response = api_client.post(LIST_URL, product_body(category), format="json")

    assert response.status_code == 401
    assert not Product.objects.exists()


def test_a_client_cannot_update_a_product(customer_client):
    product = ProductFactory(name="Lada Vesta", price=Decimal("100.00"))
    before = fields_of(product)

    response = customer_client.patch(
        detail_url(product), {"name": "Mine now", "price": "1.00"}, format="json"
    )

    assert response.status_code == 403
    assert fields_of(product) == before
    assert not OutboxEvent.objects.exists()


def test_a_client_cannot_delete_a_product(customer_client):
    product = ProductFactory()

    response = customer_client.delete(detail_url(product))

    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).is_active is True
    assert customer_client.get(LIST_URL).json()["count"] == 1


@pytest.mark.parametrize("client_fixture", ["manager_client", "admin_client"])
def test_staff_create_a_product(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    category = CategoryFactory()

    # A car with a VIN: one unit, of the model year its VIN says (K: 2019).
    body = product_body(category, vin=VALID_VIN, stock_quantity=1, year=2019)

    response = client.post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.json()
    product = Product.objects.get()
    assert response.json()["id"] == str(product.pk)
    assert (product.name, product.price, product.currency) == (
        "Toyota Camry",
        Decimal("3200000.00"),
        "RUB",
    )
    assert (product.stock_quantity, product.category_id, product.make, product.model) == (
        1,
        category.pk,
        "Toyota",
        "Camry",
    )
    assert (product.year, product.vin, product.is_active, product.kind) == (
        2019,
        VALID_VIN,
        True,
        "vehicle",
    )


def test_a_product_created_without_stock_or_currency_gets_the_defaults(manager_client):
    category = CategoryFactory()
    body = {"name": "Kia Rio", "price": "1", "category": str(category.pk)}

    response = manager_client.post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.json()
    product = Product.objects.get()
    assert (product.stock_quantity, product.currency, product.year, product.vin) == (
        0,
        "RUB",
        None,
        None,
    )


def test_a_manager_updates_some_fields_of_a_product(manager_client):
    product = ProductFactory(name="Kia Rio", price=Decimal("100.00"), stock_quantity=2)
    other_category = CategoryFactory()

    response = manager_client.patch(
        detail_url(product),
        {"price": "150.25", "stock_quantity": 7, "category": str(other_category.pk)},
        format="json",
    )

    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert (product.name, product.price, product.stock_quantity) == (
        "Kia Rio",
        Decimal("150.25"),
        7,
    )
    assert product.category_id == other_category.pk
    assert response.json()["category_name"] == other_category.name


def test_deleting_a_product_deactivates_it_and_hides_it_from_the_list(manager_client):
    product = ProductFactory()
    kept = ProductFactory()

    response = manager_client.delete(detail_url(product))

    assert response.status_code == 204
    product.refresh_from_db()
    assert product.is_active is False
    listed = manager_client.get(LIST_URL).json()
    assert [row["id"] for row in listed["results"]] == [str(kept.pk)]
    # Off sale: the public's 404, staff's to read (catalog/tests/test_off_sale.py).
    assert APIClient().get(detail_url(product)).status_code == 404
    assert manager_client.get(detail_url(product)).json()["is_active"] is False


def test_a_deactivated_product_is_deleted_again_as_a_no_op_and_staff_may_edit_it(
    manager_client, customer_client
):
    product = ProductFactory(is_active=False, name="Withdrawn")

    deleted = manager_client.delete(detail_url(product))
    refused = customer_client.patch(detail_url(product), {"name": "Mine"}, format="json")
    patched = manager_client.patch(detail_url(product), {"name": "Back"}, format="json")

    assert (deleted.status_code, refused.status_code, patched.status_code) == (204, 403, 200)
    assert (fields_of(product)["name"], fields_of(product)["is_active"]) == ("Back", False)


# INPUT VALIDATION
# ------------------------------------------------------------------------------
BAD_VALUES = [
    ("price", "cheap"),
    ("price", ["100"]),
    ("price", "-0.01"),
    ("price", "1" * 13),  # 13 digits before the point, 2 after: more than 14
    ("price", "1e400"),
    ("price", "NaN"),
    ("price", "Infinity"),
    ("price", "0.001"),
    ("stock_quantity", "many"),
    ("stock_quantity", 1.5),
    ("stock_quantity", -1),
    ("stock_quantity", 1_000_001),
    ("stock_quantity", 10**30),
    ("year", "recent"),
    ("year", -2024),
    ("year", 1885),
    ("year", 2101),
    ("year", 10**10),
    ("currency", "rub"),
    ("currency", "RUBL"),
    ("category", "not-a-uuid"),
    ("category", "00000000-0000-0000-0000-000000000000"),
    ("name", ""),
    ("name", "x" * 201),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_creating_a_product_with_a_bad_value_is_400_on_that_field_and_saves_nothing(
    manager_client, field, value
):
    category = CategoryFactory()

    response = manager_client.post(
        LIST_URL, product_body(category, **{field: value}), format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert not Product.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_updating_a_product_with_a_bad_value_is_400_on_that_field_and_changes_nothing(
    manager_client, field, value
):
    product = ProductFactory(price=Decimal("500.00"), stock_quantity=3, year=2020)
    before = fields_of(product)

    response = manager_client.patch(detail_url(product), {field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]
    assert fields_of(product) == before
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize("field", ["name", "price", "category"])
def test_creating_a_product_without_a_required_field_is_400_on_that_field(manager_client, field):
    body = product_body(CategoryFactory())
    del body[field]

    response = manager_client.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("price", "0", Decimal("0")),
        ("price", "999999999999.99", Decimal("999999999999.99")),
        ("stock_quantity", 0, 0),
        ("stock_quantity", 1_000_000, 1_000_000),
        ("year", 1886, 1886),
        ("year", 2100, 2100),
        ("year", None, None),
    ],
)
def test_the_limits_themselves_are_accepted(manager_client, field, value, stored):
    category = CategoryFactory()

    response = manager_client.post(
        LIST_URL, product_body(category, **{field: value}), format="json"
    )

    assert response.status_code == 201, response.json()
    assert getattr(Product.objects.get(), field) == stored
