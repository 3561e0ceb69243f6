"""Concurrent requests against PostgreSQL from real threads; every transaction commits."""

import time

import pytest
from django.urls import reverse

from catalog.tests.factories import stock_of
from conftest import client_for, run_concurrently
from orders import services
from orders.models import Order, OrderIdempotencyKey
from orders.tests.factories import product_make, vehicle_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
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
    assert stock_of(car) == 0
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
    assert stock_of(car) == 48


def test_five_concurrent_vehicle_orders_of_one_customer_leave_exactly_two_unpaid(
    customer, monkeypatch
):
    vehicles = [vehicle_make() for _ in range(5)]
    count_unpaid_vehicles = services.creation._unpaid_vehicles_check

    # Each order lingers between its count and its commit: without the per-customer lock all
    # five would count none held, and pass.
    def count_then_linger(*args):
        count_unpaid_vehicles(*args)
        time.sleep(0.3)

    monkeypatch.setattr(services.creation, "_unpaid_vehicles_check", count_then_linger)
    # A list's iterator hands each thread its own vehicle (a generator is not thread-safe).
    bodies = iter(
        [{"items": [{"product_id": str(vehicle.pk), "quantity": 1}]} for vehicle in vehicles]
    )
    client = client_for(customer)

    responses = run_concurrently(5, lambda: client.post(URL, next(bodies), format="json"))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 2 + [409] * 3
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"unpaid_vehicle_limit"}
    assert Order.objects.filter(customer_id=customer.pk, status="pending").count() == 2
    left = sorted(stock_of(v) for v in vehicles)
    assert left == [0, 0, 1, 1, 1]  # the refused orders' vehicles are back on sale
