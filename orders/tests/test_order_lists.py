from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts.choices import ActivityType
from orders import services
from orders.models import Order, OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("orders-list")


def test_clients_list_only_their_own_orders_and_staff_all(
    customer_client, manager_client, customer, other_customer
):
    product = product_make(stock=10)
    mine = order_make(customer, (product, 1))
    order_make(other_customer, (product, 1))

    own = customer_client.get(URL).json()
    everything = manager_client.get(URL).json()

    assert [o["id"] for o in own["results"]] == [str(mine.pk)]
    assert everything["count"] == 2


def test_list_filters_by_status_and_created_range_and_orders_by_total(customer_client, customer):
    cheap = order_make(customer, (product_make(price="10.00"), 1))
    dear = order_make(customer, (product_make(price="99.00"), 1))
    old = order_make(customer, (product_make(price="50.00"), 1))
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    services.order_status_set(order_id=cheap.pk, status="cancelled", user=customer)

    cancelled = customer_client.get(URL, {"status": "cancelled"}).json()
    recent = customer_client.get(
        URL, {"created_after": (timezone.now() - timedelta(days=1)).isoformat()}
    ).json()
    by_total = customer_client.get(URL, {"ordering": "-total_amount"}).json()
    bad = customer_client.get(URL, {"ordering": "customer_email"})

    assert [o["id"] for o in cancelled["results"]] == [str(cheap.pk)]
    assert {o["id"] for o in recent["results"]} == {str(cheap.pk), str(dear.pk)}
    assert [o["total_amount"] for o in by_total["results"]] == ["99.00", "50.00", "10.00"]
    assert bad.status_code == 400


@pytest.mark.parametrize("page_size", [1, 20, 100])
def test_order_list_runs_a_constant_number_of_queries(manager_client, customer, page_size):
    products = [product_make(stock=500) for _ in range(3)]
    for i in range(100):
        order_make(customer, (products[i % 3], 1), (products[(i + 1) % 3], 2))

    with CaptureQueriesContext(connections["orders"]) as orders_queries:
        response = manager_client.get(URL, {"page_size": page_size})

    assert len(response.json()["results"]) == page_size
    assert len(response.json()["results"][0]["items"]) == 2
    # count, page, items and links of the page
    assert len(orders_queries) == 4


def test_my_stats_count_by_status_and_sum_what_was_paid(customer_client, customer, other_customer):
    product = product_make(stock=20, price="100.00")
    paid = order_make(customer, (product, 2))
    order_make(customer, (product, 1))
    order_make(other_customer, (product, 5))
    Order.objects.filter(pk=paid.pk).update(paid_amount=Decimal("200.00"))
    services.order_status_set(order_id=paid.pk, status="paid", user=None)

    stats = customer_client.get(reverse("orders-stats-my")).json()

    assert stats["total_orders"] == 2
    assert stats["by_status"] == {
        "pending": 1,
        "paid": 1,
        "processing": 0,
        "completed": 0,
        "cancelled": 0,
    }
    assert stats["total_spent"] == {"RUB": "200.00"}


def test_staff_stats_give_counts_revenue_average_and_days(
    manager_client, customer_client, customer
):
    product = product_make(stock=20, price="100.00")
    first = order_make(customer, (product, 1))
    order_make(customer, (product, 3))
    cancelled = order_make(customer, (product, 5))
    Order.objects.filter(pk=first.pk).update(paid_amount=Decimal("100.00"))
    services.order_status_set(order_id=cancelled.pk, status="cancelled", user=customer)

    stats = manager_client.get(reverse("orders-stats")).json()

    assert stats["total_orders"] == 3
    assert stats["by_status"]["cancelled"] == 1
    assert stats["revenue"] == {"RUB": "100.00"}
    assert stats["average_order"] == {"RUB": "200.00"}
    assert stats["by_day"] == [
        {"date": str(timezone.localdate()), "orders": 3, "cancelled": 1, "revenue": "100.00"}
    ]
    assert customer_client.get(reverse("orders-stats")).status_code == 403
    assert (
        manager_client.get(reverse("orders-stats"), {"date_from": "2026-13-01"}).status_code == 400
    )


def test_a_deleted_customer_is_scrubbed_from_order_snapshots(admin_client, customer, run_on_commit):
    order = order_make(customer, (product_make(), 1), notes="Deliver to 5 Lenina St.")

    with run_on_commit():
        admin_client.delete(reverse("users-detail", args=[customer.pk]))

    order.refresh_from_db()
    assert (order.customer_email, order.customer_name, order.notes) == ("", "", "")
    assert order.customer_id is not None
    assert order.items.count() == 1


def test_a_renamed_customer_shows_on_open_orders_only(customer_client, customer, run_on_commit):
    open_order = order_make(customer, (product_make(), 1))
    closed = order_make(customer, (product_make(), 1))
    services.order_status_set(order_id=closed.pk, status="cancelled", user=customer)

    with run_on_commit():
        customer_client.patch(reverse("users-me"), {"full_name": "Renamed Person"})

    open_order.refresh_from_db()
    closed.refresh_from_db()
    assert open_order.customer_name == "Renamed Person"
    assert closed.customer_name != "Renamed Person"


def test_placing_an_order_lands_in_the_customers_activity_log(customer, run_on_commit):
    with run_on_commit():
        order = order_make(customer, (product_make(), 1))

    activity = accounts_selectors.activity_list(actor=customer, user_id=customer.pk).get(
        type=ActivityType.ORDER_PLACED
    )
    assert activity.details["order_id"] == str(order.pk)


def test_order_events_carry_the_request_id(customer_client):
    product = product_make()

    customer_client.post(
        URL,
        {"items": [{"product_id": str(product.pk), "quantity": 1}]},
        format="json",
        HTTP_X_REQUEST_ID="trace-42",
    )

    assert OutboxEvent.objects.get(type="order.created").request_id == "trace-42"


def test_a_late_profile_update_never_undoes_a_newer_one_or_a_scrub(customer):
    from datetime import timedelta

    order = order_make(customer, (product_make(), 1))
    now = timezone.now()

    services.order_customer_refresh(
        customer_id=customer.pk, email="new@example.com", full_name="New", as_of=now
    )
    services.order_customer_refresh(
        customer_id=customer.pk, email="old@example.com", full_name="Old", as_of=now - timedelta(1)
    )
    order.refresh_from_db()
    assert (order.customer_email, order.customer_name) == ("new@example.com", "New")

    services.order_customer_scrub(customer_id=customer.pk)
    services.order_customer_refresh(
        customer_id=customer.pk,
        email="back@example.com",
        full_name="Back",
        as_of=now + timedelta(1),
    )
    order.refresh_from_db()
    assert (order.customer_email, order.customer_name) == ("", "")


def test_staff_list_one_customers_orders_by_customer_id(manager_client, customer, other_customer):
    product = product_make(stock=10)
    first = order_make(customer, (product, 1))
    second = order_make(customer, (product, 2))
    order_make(other_customer, (product, 1))

    listed = manager_client.get(URL, {"customer_id": str(customer.pk)}).json()

    assert listed["count"] == 2
    assert {o["id"] for o in listed["results"]} == {str(first.pk), str(second.pk)}
    assert {o["customer_id"] for o in listed["results"]} == {str(customer.pk)}


def test_a_clients_customer_id_of_another_customer_returns_none_of_theirs(
    customer_client, customer, other_customer
):
    product = product_make(stock=10)
    mine = order_make(customer, (product, 1))
    order_make(other_customer, (product, 1))

    theirs = customer_client.get(URL, {"customer_id": str(other_customer.pk)}).json()
    own = customer_client.get(URL, {"customer_id": str(customer.pk)}).json()

    assert theirs["count"] == 0
    assert theirs["results"] == []
    assert [o["id"] for o in own["results"]] == [str(mine.pk)]


def test_a_customer_id_that_is_not_a_uuid_is_a_validation_error(manager_client):
    response = manager_client.get(URL, {"customer_id": "nope"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert set(response.json()["error"]["details"]) == {"customer_id"}
