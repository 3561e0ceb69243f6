"""Concurrent requests against PostgreSQL from real threads; every transaction commits."""

import pytest
from django.urls import reverse

from catalog import selectors as catalog_selectors
from conftest import client_for, run_concurrently
from orders.models import Order, OrderIdempotencyKey
from orders.tests.factories import product_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]
URL = reverse("orders-list")


def test_twenty_concurrent_orders_for_the_last_unit_sell_exactly_one(customer):
    car = product_make(stock=1)
    client = client_for(customer)
    body = {"items": [{"product_id": str(car.pk), "quantity": 1}]}

    responses = run_concurrently(20, lambda: client.post(URL, body, format="json"))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 19
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"insufficient_stock"}
    assert catalog_selectors.product_stock(product_id=car.pk) == 0
    assert Order.objects.count() == 1


def test_ten_concurrent_requests_with_one_idempotency_key_create_one_order(customer):
    car = product_make(stock=50)
    client = client_for(customer)
    body = {"items": [{"product_id": str(car.pk), "quantity": 2}]}

    responses = run_concurrently(
        10, lambda: client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-7")
    )

    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert Order.objects.count() == 1
    assert OrderIdempotencyKey.objects.count() == 1
    assert catalog_selectors.product_stock(product_id=car.pk) == 48
