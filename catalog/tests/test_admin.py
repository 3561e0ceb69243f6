from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import OutboxEvent, Product, ProductPhoto
from catalog.tests.factories import VALID_VIN, ProductFactory, jpeg
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
        "kind": product.kind,
        "make": product.make,
        "model": product.model,
        "trim": product.trim,
        "year": "",
        "vin": "",
        "options": "",
        # The photos' inline, empty.
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        # Its transfers, read only: none sent back.
        "transfers-TOTAL_FORMS": "0",
        "transfers-INITIAL_FORMS": "0",
        "transfers-MIN_NUM_FORMS": "0",
        "transfers-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_a_manager_edits_a_product_through_the_catalog_service(manager):
    product = ProductFactory(name="Lada Vesta", price=Decimal("1500000.00"), stock_quantity=2)

    response = browser_for(manager).post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        product_form(product, price="1450000.00", stock_quantity=1, year="2019", vin=VALID_VIN),
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.stock_quantity, product.year, product.vin, product.kind) == (
        Decimal("1450000.00"),
        1,
        2019,
        VALID_VIN,
        "vehicle",
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


def test_a_manager_uploads_a_photo_in_the_admin_checked_as_the_api_checks_it(manager):
    car = ProductFactory(name="Kia K5", vin=VALID_VIN, year=2019)
    form = product_form(car, year="2019", vin=VALID_VIN)
    form.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": SimpleUploadedFile("front.jpg", jpeg(gps=True)),
            "photos-0-alt": "Kia K5, front",
            "photos-0-position": "0",
        }
    )
    refused = product_form(car, year="2019", vin=VALID_VIN)
    refused.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": SimpleUploadedFile("virus.jpg", b"\x7fELF" + b"\0" * 500),
            "photos-0-position": "0",
        }
    )
    browser = browser_for(manager)

    response = browser.post(reverse("admin:catalog_product_change", args=[car.pk]), form)
    bad = browser.post(reverse("admin:catalog_product_change", args=[car.pk]), refused)

    assert response.status_code == 302
    photo = ProductPhoto.objects.get()
    assert (photo.alt, photo.is_primary, photo.width) == ("Kia K5, front", True, 1200)
    with default_storage.open(photo.image.name) as stored:
        assert b"GPS" not in stored.read()
    assert bad.status_code == 200  # the form again, with the error
    assert "This is not a JPEG, PNG, WebP or HEIC image." in bad.content.decode()
    assert ProductPhoto.objects.count() == 1
