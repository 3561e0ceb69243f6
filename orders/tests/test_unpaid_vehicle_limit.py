"""At most ORDERS_MAX_UNPAID_VEHICLES vehicle units per customer on pending orders; the
concurrent case is in test_order_concurrency.py."""

import pytest
from django.urls import reverse

from catalog.tests.factories import stock_of
from orders import services
from orders.models import Order, OrderItem
from orders.tests.factories import order_make, product_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("orders-list")


def order_body(*products_and_quantities) -> dict:
    return {"items": [{"product_id": str(p.pk), "quantity": q} for p, q in products_and_quantities]}


def test_an_order_line_remembers_whether_its_product_is_a_vehicle(customer):
    car, mats = vehicle_make(), product_make(stock=10)

    order = order_make(customer, (car, 1), (mats, 2))

    stored = dict(OrderItem.objects.filter(order=order).values_list("product_id", "is_vehicle"))
    assert stored == {car.pk: True, mats.pk: False}


def test_a_third_unpaid_vehicle_is_409_and_its_stock_goes_back(customer, customer_client):
    first, second, third = vehicle_make(), vehicle_make(), vehicle_make()
    order_make(customer, (first, 1))
    order_make(customer, (second, 1))

    response = customer_client.post(URL, order_body((third, 1)), format="json")

    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "unpaid_vehicle_limit"
    assert "At most 2 vehicles can be held on unpaid orders" in error["message"]
    assert error["details"] == {"limit": 2, "held": 2, "ordered": 1}
    assert Order.objects.filter(customer_id=customer.pk).count() == 2
    assert (stock_of(first), stock_of(second), stock_of(third)) == (0, 0, 1)


def test_one_order_of_more_vehicles_than_the_limit_is_refused(customer_client, settings):
    settings.ORDERS_MAX_UNPAID_VEHICLES = 1
    car, van = vehicle_make(), vehicle_make()

    response = customer_client.post(URL, order_body((car, 1), (van, 1)), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"limit": 1, "held": 0, "ordered": 2}
    assert Order.objects.count() == 0
    assert (stock_of(car), stock_of(van)) == (1, 1)


def test_accessories_have_no_limit_even_beside_two_unpaid_vehicles(customer, customer_client):
    order_make(customer, (vehicle_make(), 1))
    order_make(customer, (vehicle_make(), 1))
    mats = product_make(stock=10)

    statuses = [
        customer_client.post(URL, order_body((mats, 1)), format="json").status_code
        for _ in range(3)
    ]

    assert statuses == [201, 201, 201]
    assert Order.objects.filter(customer_id=customer.pk).count() == 5
    assert stock_of(mats) == 7


def test_paid_and_cancelled_orders_free_their_vehicles_for_new_orders(customer):
    paid = order_make(customer, (vehicle_make(), 1))
    services.order_status_set(order_id=paid.pk, status="paid", reason="Paid in full")
    cancelled = order_make(customer, (vehicle_make(), 1))
    services.order_status_set(order_id=cancelled.pk, status="cancelled", user=customer)
    order_make(customer, (vehicle_make(), 1))
    car = vehicle_make()

    order = order_make(customer, (car, 1))

    assert order.status == "pending"
    assert stock_of(car) == 0
    pending = Order.objects.filter(customer_id=customer.pk, status="pending").count()
    assert pending == 2


def test_another_customers_unpaid_vehicles_do_not_count(customer, other_customer):
    order_make(other_customer, (vehicle_make(), 1))
    order_make(other_customer, (vehicle_make(), 1))
    car, van = vehicle_make(), vehicle_make()

    order_make(customer, (car, 1))
    order_make(customer, (van, 1))

    assert Order.objects.filter(customer_id=customer.pk, status="pending").count() == 2
    assert (stock_of(car), stock_of(van)) == (0, 0)
