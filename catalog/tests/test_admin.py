from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import OutboxEvent, Product
from catalog.tests.factories import VALID_VIN, ProductFactory
from conftest import browser_for

pytestmark = pytest.mark.django_db(databases="__all__")


def product_form(product, **changes) -> dict:
    data = {
        "name": product.name,
        "description": product.description,
        "price": str(product.price),
        "currency": product.currency,
        "stock_quantity": product.stock_quantity,
        "category": str(product.category_id),
        "is_active": "on",
        "make": product.make,
        "model": product.model,
        "year": "",
        "vin": "",
    }
    return {**data, **changes}


def test_a_manager_edits_a_product_through_the_catalog_service(manager):
    product = ProductFactory(name="Lada Vesta", price=Decimal("1500000.00"), stock_quantity=2)

    response = browser_for(manager).post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        product_form(product, price="1450000.00", stock_quantity=4, year="2024", vin=VALID_VIN),
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.stock_quantity, product.year, product.vin) == (
        Decimal("1450000.00"),
        4,
        2024,
        VALID_VIN,
    )
    event = OutboxEvent.objects.get(type="product.updated", aggregate_id=str(product.pk))
    assert event.payload["price"] == "1450000.00"


def test_a_manager_cannot_delete_a_product(manager):
    product = ProductFactory()

    response = browser_for(manager).post(
        reverse("admin:catalog_product_delete", args=[product.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()
