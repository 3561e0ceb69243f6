import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.tests.factories import stock_of
from common.events import delivery, types
from conftest import client_for
from orders import services
from orders.models import Order, OrderStatusHistory, OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def status_url(order):
    return reverse("orders-status", args=[order.pk])


def test_client_cancels_own_pending_order_and_stock_comes_back(
    customer_client, customer, run_on_commit
):
    car = product_make(stock=2)
    order = order_make(customer, (car, 2))

    with run_on_commit():
        response = customer_client.post(
            status_url(order), {"status": "cancelled", "reason": "Changed my mind"}
        )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.sequence == 2
    history = OrderStatusHistory.objects.filter(order=order).last()
    assert (history.from_status, history.to_status, history.reason) == (
        "pending",
        "cancelled",
        "Changed my mind",
    )
    assert history.changed_by_id == customer.pk
    types = set(
        OutboxEvent.objects.filter(aggregate_id=str(order.pk)).values_list("type", flat=True)
    )
    assert {"order.status_changed", "order.cancelled"} <= types
    assert stock_of(car) == 2


def test_delivering_order_cancelled_twice_releases_stock_once(customer):
    car = product_make(stock=3)
    order = order_make(customer, (car, 2))
    services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    event = OutboxEvent.objects.get(type="order.cancelled")
    data = types.event_from_outbox_row(event, "orders").as_dict()

    first = delivery.deliver("catalog.release_stock_of_cancelled_order", data)
    second = delivery.deliver("catalog.release_stock_of_cancelled_order", data)

    assert (first, second) == (True, False)
    assert stock_of(car) == 3


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        ("paid", 403, "transition_not_allowed"),
        ("processing", 409, "invalid_transition"),
        ("completed", 409, "invalid_transition"),
    ],
)
def test_client_cannot_move_an_order_except_to_cancelled(
    customer_client, customer, target, status, code
):
    order = order_make(customer, (product_make(), 1))

    response = customer_client.post(status_url(order), {"status": target})

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    order.refresh_from_db()
    assert order.status == "pending"
    assert OrderStatusHistory.objects.filter(order=order).count() == 1


def test_nobody_sets_paid_through_the_api(admin_client, customer):
    order = order_make(customer, (product_make(), 1))

    response = admin_client.post(status_url(order), {"status": "paid"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "transition_not_allowed"
    order.refresh_from_db()
    assert order.status == "pending"


def test_staff_run_the_lifecycle_after_payment(manager_client, manager, customer):
    order = order_make(customer, (product_make(), 1))
    services.order_status_set(order_id=order.pk, status="paid", user=None, reason="payment")

    for target in ("processing", "completed"):
        response = manager_client.post(status_url(order), {"status": target})
        assert response.status_code == 200, response.json()

    order.refresh_from_db()
    assert order.status == "completed"
    rows = list(
        OrderStatusHistory.objects.filter(order=order).values_list("to_status", "changed_by_role")
    )
    assert rows == [
        ("pending", "client"),
        ("paid", "system"),
        ("processing", "manager"),
        ("completed", "manager"),
    ]


@pytest.mark.parametrize(
    ("path", "target"),
    [(["cancelled"], "processing"), (["cancelled"], "cancelled"), ([], "completed")],
)
def test_illegal_transitions_are_409(manager_client, customer, path, target):
    order = order_make(customer, (product_make(), 1))
    for step in path:
        services.order_status_set(order_id=order.pk, status=step, user=None)

    response = manager_client.post(status_url(order), {"status": target})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_client_cannot_touch_another_clients_order(customer_client, other_customer):
    order = order_make(other_customer, (product_make(), 1))

    responses = [
        customer_client.get(reverse("orders-detail", args=[order.pk])),
        customer_client.post(status_url(order), {"status": "cancelled"}),
        customer_client.get(reverse("orders-history", args=[order.pk])),
        customer_client.patch(
            reverse("orders-item", args=[order.pk, order.items.get().pk]), {"quantity": 2}
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    order.refresh_from_db()
    assert (order.status, order.total_quantity) == ("pending", 1)


def test_changing_a_quantity_while_pending_adjusts_the_reservation(customer_client, customer):
    car = product_make(stock=5, price="10.00")
    order = order_make(customer, (car, 1))
    item = order.items.get()
    url = reverse("orders-item", args=[order.pk, item.pk])

    up = customer_client.patch(url, {"quantity": 4})
    assert up.status_code == 200
    assert stock_of(car) == 1
    assert up.json()["total_amount"] == "40.00"

    priced = customer_client.patch(url, {"quantity": 2, "unit_price": "0.01"})
    assert priced.status_code == 400  # the price is not the client's to send
    assert list(priced.json()["error"]["details"]) == ["unit_price"]
    down = customer_client.patch(url, {"quantity": 2})
    assert down.status_code == 200
    order.refresh_from_db()
    assert (order.total_quantity, str(order.total_amount), order.sequence) == (2, "20.00", 3)
    assert stock_of(car) == 3


def test_asking_for_more_than_the_stock_changes_nothing(customer_client, customer):
    car = product_make(stock=2)
    order = order_make(customer, (car, 1))

    response = customer_client.patch(
        reverse("orders-item", args=[order.pk, order.items.get().pk]), {"quantity": 5}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert order.items.get().quantity == 1
    assert stock_of(car) == 1


def test_a_failure_after_adjusting_puts_the_reservation_back(customer, monkeypatch):
    car = product_make(stock=5)
    order = order_make(customer, (car, 1))

    def broken(order, *args):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.items, "_changed", broken)
    with pytest.raises(RuntimeError):
        services.order_item_quantity_set(
            order_id=order.pk, item_id=order.items.get().pk, quantity=3
        )

    assert stock_of(car) == 4
    assert order.items.get().quantity == 1


def test_items_of_a_paid_order_cannot_change(customer_client, customer):
    order = order_make(customer, (product_make(), 1))
    services.order_status_set(order_id=order.pk, status="paid", user=None)

    response = customer_client.patch(
        reverse("orders-item", args=[order.pk, order.items.get().pk]), {"quantity": 2}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_editable"


def test_only_admins_delete_and_only_pending_or_cancelled_orders(
    customer, manager_client, admin_client, run_on_commit
):
    car = product_make(stock=3)
    pending = order_make(customer, (car, 2))
    paid = order_make(customer, (car, 1))
    services.order_status_set(order_id=paid.pk, status="paid", user=None)

    assert manager_client.delete(reverse("orders-detail", args=[pending.pk])).status_code == 403
    refused = admin_client.delete(reverse("orders-detail", args=[paid.pk]))
    with run_on_commit():
        deleted = admin_client.delete(reverse("orders-detail", args=[pending.pk]))

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "order_not_deletable"
    assert deleted.status_code == 204
    assert list(Order.objects.values_list("pk", flat=True)) == [paid.pk]
    assert stock_of(car) == 2


def test_history_lists_every_change(customer_client, customer):
    order = order_make(customer, (product_make(), 1))
    services.order_status_set(order_id=order.pk, status="cancelled", user=customer, reason="r")

    response = customer_client.get(reverse("orders-history", args=[order.pk]))

    assert [row["to_status"] for row in response.json()["results"]] == ["pending", "cancelled"]


def test_detail_right_after_a_change_is_never_stale(customer_client, customer, run_on_commit):
    order = order_make(customer, (product_make(), 1))
    url = reverse("orders-detail", args=[order.pk])
    assert customer_client.get(url).json()["status"] == "pending"  # now cached

    with run_on_commit():
        customer_client.post(status_url(order), {"status": "cancelled"})

    assert customer_client.get(url).json()["status"] == "cancelled"


def test_cached_detail_is_served_without_touching_the_orders_database(customer_client, customer):
    order = order_make(customer, (product_make(), 1))
    url = reverse("orders-detail", args=[order.pk])
    customer_client.get(url)

    with CaptureQueriesContext(connections["orders"]) as queries:
        response = customer_client.get(url)

    assert response.json()["id"] == str(order.pk)
    assert len(queries) == 0


def test_another_client_never_gets_a_cached_order(customer, other_customer, admin_client):
    order = order_make(customer, (product_make(), 1))
    admin_client.get(reverse("orders-detail", args=[order.pk]))  # cached by staff

    response = client_for(other_customer).get(reverse("orders-detail", args=[order.pk]))

    assert response.status_code == 404
