"""Orders have numbers a person can say (common/db/numbers.py, docs/conventions.md "Human
numbers"): А-<year>-<serial>, made by the database whichever way the row is made, unique
under concurrent orders, carried by the order's events and answered by the API beside the
id."""

import re

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from common.db.numbers import HumanNumber, number_take
from common.db.transactions import insert_rows
from conftest import client_for, run_concurrently
from orders.models import Order, OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
URL = reverse("orders-list")
NUMBER = re.compile(r"А-(\d{4})-(\d{6,})")


def serial(number: str) -> int:
    match = NUMBER.fullmatch(number)
    assert match, number
    assert int(match[1]) == timezone.localdate().year
    return int(match[2])


def test_an_order_placed_through_the_api_answers_and_stores_its_number(customer):
    car = product_make(stock=5)

    response = client_for(customer).post(
        URL, {"items": [{"product_id": str(car.pk), "quantity": 1}]}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    stored = Order.objects.get(pk=body["id"])
    assert body["number"] == stored.number and serial(stored.number) > 0
    created = OutboxEvent.objects.get(type="order.created", aggregate_id=body["id"])
    assert created.payload["number"] == stored.number
    # Read back by the list as it was given.
    listed = client_for(customer).get(URL).json()["results"]
    assert [row["number"] for row in listed] == [stored.number]


def test_twenty_concurrent_orders_get_twenty_different_numbers(
    customer,
):
    car = product_make(stock=100, price="10.00")
    client = client_for(customer)
    body = {"items": [{"product_id": str(car.pk), "quantity": 1}]}

    responses = run_concurrently(20, lambda: client.post(URL, body, format="json"))

    assert [r.status_code for r in responses] == [201] * 20
    numbers = {r.json()["number"] for r in responses}
    assert len(numbers) == 20
    assert set(Order.objects.values_list("number", flat=True)) == numbers
    assert all(serial(number) for number in numbers)


def test_an_order_made_without_the_service_gets_the_next_number_from_the_database(customer):
    first = order_make(customer, (product_make(), 1))

    # As an admin's or a fixture's save() would make one: the database's default, read back.
    made = Order.objects.create(customer_id=customer.pk, currency="RUB")

    assert serial(made.number) > serial(first.number)
    assert Order.objects.get(pk=made.pk).number == made.number


def test_the_serial_grows_past_six_digits_without_losing_any(customer):
    with connections["orders"].cursor() as cursor:
        cursor.execute("SELECT setval('orders_order_number', 999999)")

    number = number_take(Order._meta.get_field("number"), using="orders")

    assert serial(number) == 1_000_000 and number.endswith("-1000000")


def test_the_hot_paths_insert_refuses_a_number_left_to_the_database(customer):
    order = Order(customer_id=customer.pk, currency="RUB")

    with pytest.raises(ValueError, match="number_take"):
        insert_rows([order], using="orders")

    assert not Order.objects.filter(pk=order.pk).exists()


@pytest.mark.parametrize(("prefix", "sequence"), [("А'", "orders_x"), ("А", "orders; DROP")])
def test_a_prefix_or_sequence_that_would_break_the_sql_is_refused(prefix, sequence):
    with pytest.raises(ValueError):
        HumanNumber(prefix, sequence)
