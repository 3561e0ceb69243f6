"""The catalog's admin in Russian, and its lists narrowed by dates (docs/admin.md, "Lists")."""

from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from catalog import services
from catalog.models import Product, StockReservation
from catalog.tests.factories import ProductFactory
from common.api.exceptions import ApplicationError
from conftest import browser_for

pytestmark = pytest.mark.django_db(databases="__all__")


def in_russian(user):
    browser = browser_for(user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return browser


def test_the_product_form_speaks_russian_and_refuses_a_bad_vin_in_russian(manager):
    product = ProductFactory(name="Lada Granta")
    browser = in_russian(manager)

    add = browser.get(reverse("admin:catalog_product_add")).content.decode()
    refused = browser.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        {
            "name": product.name,
            "price": "900000.00",
            "currency": "RUB",
            "stock_quantity": "1",
            "category": str(product.category_id),
            "is_active": "on",
            "vin": "TOO-SHORT",
        },
    )

    assert "Добавить товар" in add
    labels = ("Название", "Цена", "На складе", "В продаже", "Марка", "Год выпуска", "Кузов")
    for label in labels:
        assert label in add, label
    # The VIN's help text.
    assert "17 символов. Автомобиль без VIN нельзя заказать, пока его не внесут." in add
    for english in ("Add product", "Stock quantity", "Is active", "Make"):
        assert english not in add, english
    assert refused.status_code == 200
    assert "VIN состоит ровно из 17 символов." in refused.content.decode()
    product.refresh_from_db()
    assert product.vin is None


def test_reservation_statuses_and_the_list_are_russian(manager):
    product = ProductFactory(stock_quantity=3)
    services.stock_reserve(order_id=uuid4(), items={product.pk: 1})

    listing = in_russian(manager).get(reverse("admin:catalog_stockreservation_changelist"))

    page = listing.content.decode()
    assert StockReservation.objects.filter(product=product, status="active").count() == 1
    assert "Резервы на складе" in page
    assert "Действует" in page
    assert ">Active<" not in page


def test_a_service_refusal_reads_in_russian_when_the_request_asks_for_it(db):
    product = ProductFactory(name="Lada Niva Travel", stock_quantity=1)

    with override("ru"), pytest.raises(ApplicationError) as refused:
        services.stock_reserve(order_id=uuid4(), items={product.pk: 2})

    assert refused.value.code == "insufficient_stock"
    assert str(refused.value.message) == "Недостаточно на складе: Lada Niva Travel."
    assert Product.objects.get(pk=product.pk).stock_quantity == 1


def test_the_date_range_narrows_the_product_list(manager):
    old, new = ProductFactory(), ProductFactory()
    zone = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)
    Product.objects.filter(pk=old.pk).update(created_at=datetime(2026, 1, 10, 9, tzinfo=zone))
    Product.objects.filter(pk=new.pk).update(created_at=datetime(2026, 2, 10, 9, tzinfo=zone))

    response = browser_for(manager).get(
        reverse("admin:catalog_product_changelist"),
        {"created_at__range__gte": "2026-01-01", "created_at__range__lte": "2026-01-31"},
    )

    assert [p.pk for p in response.context["cl"].result_list] == [old.pk]


def test_the_product_list_shows_prices_with_their_currency(manager):
    ProductFactory(name="Lada Vesta", price="1450000.00", currency="RUB")
    browser = in_russian(manager)

    page = browser.get(reverse("admin:catalog_product_changelist")).content.decode()

    assert "1 450 000,00 ₽" in page.replace("\xa0", " ")
    assert "Цена" in page
