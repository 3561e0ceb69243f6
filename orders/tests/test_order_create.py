from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from catalog.tests.factories import stock_of
from orders import services
from orders.models import Order, OrderIdempotencyKey, OrderItem, OrderStatusHistory, OutboxEvent
from orders.tests.factories import product_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("orders-list")


def test_order_takes_prices_from_the_catalog_and_reserves_stock(customer_client, customer):
    car = product_make(stock=3, price="1500000.00")
    mats = product_make(stock=10, price="2500.50")

    response = customer_client.post(
        URL,
        {
            "items": [
                {"product_id": str(car.pk), "quantity": 1},
                {"product_id": str(mats.pk), "quantity": 2},
            ],
            "notes": "Call before delivery",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get(pk=body["id"])
    assert order.customer_id == customer.pk
    assert order.customer_email == customer.email
    assert order.status == "pending"
    assert order.total_amount == Decimal("1505001.00")
    assert order.total_quantity == 3
    assert order.currency == "RUB"
    assert body["total_amount"] == "1505001.00"
    assert {(i["product_name"], i["unit_price"], i["line_total"]) for i in body["items"]} == {
        (car.name, "1500000.00", "1500000.00"),
        (mats.name, "2500.50", "5001.00"),
    }
    assert (stock_of(car), stock_of(mats)) == (2, 8)
    history = OrderStatusHistory.objects.get(order=order)
    assert (history.from_status, history.to_status, history.changed_by_id) == (
        "",
        "pending",
        customer.pk,
    )
    assert OutboxEvent.objects.filter(type="order.created", aggregate_id=str(order.pk)).exists()


def test_later_price_changes_do_not_touch_the_order_snapshot(customer):
    car = product_make(price="100.00")
    order, _ = services.order_create(
        customer=customer, items=[{"product_id": car.pk, "quantity": 1}]
    )

    catalog_services.product_update(product=car, price=Decimal("999.00"), name="Renamed")

    item = OrderItem.objects.get(order=order)
    assert (item.unit_price, item.product_name) == (Decimal("100.00"), car.name)


def test_price_status_totals_and_customer_sent_by_the_client_are_refused_by_name(
    customer_client, customer, other_customer
):
    car = product_make(price="100.00")

    response = customer_client.post(
        URL,
        {
            "items": [{"product_id": str(car.pk), "quantity": 2, "unit_price": "0.01"}],
            "status": "paid",
            "total_amount": "1.00",
            "paid_amount": "200.00",
            "customer_id": str(other_customer.pk),
            "price": "0.01",
            "currency": "USD",
        },
        format="json",
    )

    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert sorted(details) == [
        "currency",
        "customer_id",
        "paid_amount",
        "price",
        "status",
        "total_amount",
    ]
    assert Order.objects.count() == 0
    nested = customer_client.post(
        URL,
        {"items": [{"product_id": str(car.pk), "quantity": 2, "unit_price": "0.01"}]},
        format="json",
    )
    assert nested.status_code == 400
    assert nested.json()["error"]["details"] == {
        "items": [{"unit_price": ["Unknown field: it is not part of this request."]}]
    }
    assert Order.objects.count() == 0


def test_the_same_product_twice_is_one_line(customer_client):
    car = product_make(stock=5)

    response = customer_client.post(
        URL,
        {"items": [{"product_id": str(car.pk), "quantity": 1}] * 2},
        format="json",
    )

    assert response.status_code == 201
    assert OrderItem.objects.get().quantity == 2
    assert stock_of(car) == 3


def test_insufficient_stock_is_409_and_reserves_nothing(customer_client):
    car = product_make(stock=1)
    mats = product_make(stock=5)

    response = customer_client.post(
        URL,
        {
            "items": [
                {"product_id": str(mats.pk), "quantity": 2},
                {"product_id": str(car.pk), "quantity": 2},
            ]
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert (stock_of(car), stock_of(mats)) == (1, 5)
    assert not Order.objects.exists()


def test_unknown_or_withdrawn_products_are_refused(customer_client):
    withdrawn = product_make()
    catalog_services.product_deactivate(product=withdrawn)

    response = customer_client.post(
        URL,
        {
            "items": [
                {"product_id": str(withdrawn.pk), "quantity": 1},
                {"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 1},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "product_unavailable"
    assert len(response.json()["error"]["details"]["product_ids"]) == 2
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": [{"product_id": "not-a-uuid", "quantity": 1}]},
        {"items": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 0}]},
        {"items": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 10**12}]},
        {"items": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": "many"}]},
        {"items": "everything"},
        {
            "items": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 1}],
            "notes": "x" * 3000,
        },
    ],
)
def test_malformed_orders_are_400_and_save_nothing(customer_client, body):
    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not Order.objects.exists()


def test_mixed_currencies_are_refused_and_the_reservation_released(customer_client):
    rub = product_make(stock=2, currency="RUB")
    usd = product_make(stock=2, currency="USD")

    response = customer_client.post(
        URL,
        {"items": [{"product_id": str(p.pk), "quantity": 1} for p in (rub, usd)]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "currency_mismatch"
    assert (stock_of(rub), stock_of(usd)) == (2, 2)


def test_a_failure_after_the_reservation_leaves_stock_exactly_as_before(customer, monkeypatch):
    car = product_make(stock=4)
    mats = product_make(stock=9)

    def broken_history(*args, **kwargs):
        raise RuntimeError("orders database hiccup")

    monkeypatch.setattr(services.creation, "_history", broken_history)
    with pytest.raises(RuntimeError):
        services.order_create(
            customer=customer,
            items=[{"product_id": car.pk, "quantity": 3}, {"product_id": mats.pk, "quantity": 9}],
        )

    assert (stock_of(car), stock_of(mats)) == (4, 9)
    assert not Order.objects.exists()


def test_same_idempotency_key_and_body_return_the_same_order(customer_client):
    car = product_make(stock=5)
    body = {"items": [{"product_id": str(car.pk), "quantity": 1}]}

    first = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    second = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert stock_of(car) == 4


def test_same_idempotency_key_with_another_body_is_422(customer_client):
    car = product_make(stock=5)
    customer_client.post(
        URL,
        {"items": [{"product_id": str(car.pk), "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    response = customer_client.post(
        URL,
        {"items": [{"product_id": str(car.pk), "quantity": 2}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert stock_of(car) == 4


def test_idempotency_keys_are_scoped_to_the_customer(customer_client, other_customer):
    from conftest import client_for

    car = product_make(stock=5)
    body = {"items": [{"product_id": str(car.pk), "quantity": 1}]}

    mine = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = client_for(other_customer).post(
        URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert mine.json()["id"] != theirs.json()["id"]
    assert OrderIdempotencyKey.objects.count() == 2


def test_an_oversized_idempotency_key_is_400(customer_client):
    car = product_make()

    response = customer_client.post(
        URL,
        {"items": [{"product_id": str(car.pk), "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 300,
    )

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_the_sweep_releases_stock_of_orders_that_never_committed(customer, settings):
    import uuid
    from datetime import timedelta

    from orders.tasks import order_reservations_sweep_task

    car = product_make(stock=5)
    kept = services.order_create(customer=customer, items=[{"product_id": car.pk, "quantity": 1}])[
        0
    ]
    # A crash between the catalog's commit and the order's: a reservation with no order.
    catalog_services.stock_reserve(order_id=uuid.uuid4(), items={car.pk: 2})
    assert stock_of(car) == 2
    settings.ORDERS_RESERVATION_SWEEP_AFTER_SECONDS = 0

    released = order_reservations_sweep_task.apply().get()

    assert released == 2
    assert stock_of(car) == 4  # the committed order keeps its unit
    assert services.order_reservations_sweep(older_than=timedelta(0)) == 0
    assert Order.objects.get().pk == kept.pk
