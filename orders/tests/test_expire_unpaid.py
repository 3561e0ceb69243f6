import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.tests.factories import stock_of
from orders import services
from orders.models import Order, OrderStatusHistory, OutboxEvent
from orders.tasks import orders_unpaid_expire_task
from orders.tests.factories import order_make, product_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


def placed_hours_ago(order, hours: int):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    return order


def test_an_old_unpaid_order_is_cancelled_by_the_system_and_its_stock_comes_back(
    customer, run_on_commit
):
    car = product_make(stock=3)
    order = placed_hours_ago(order_make(customer, (car, 2)), 49)
    out = StringIO()

    with run_on_commit():
        call_command("orders_expire_unpaid", "--older-than-hours", "48", stdout=out)

    assert "Cancelled 1 unpaid orders." in out.getvalue()
    order.refresh_from_db()
    assert order.status == "cancelled"
    history = OrderStatusHistory.objects.filter(order=order).last()
    assert (history.to_status, history.changed_by_id, history.changed_by_role) == (
        "cancelled",
        None,
        "system",
    )
    assert history.reason == "Not paid within 48 hours"
    assert OutboxEvent.objects.filter(type="order.cancelled", aggregate_id=str(order.pk)).exists()
    assert stock_of(car) == 3


def test_recent_unpaid_and_old_paid_orders_are_left_alone(customer, run_on_commit):
    car = product_make(stock=5)
    recent = placed_hours_ago(order_make(customer, (car, 1)), 47)
    paid = order_make(customer, (car, 2))
    services.order_status_set(order_id=paid.pk, status="paid", reason="Paid in full")
    placed_hours_ago(paid, 100)
    out = StringIO()

    with run_on_commit():
        call_command("orders_expire_unpaid", "--older-than-hours", "48", stdout=out)

    assert "Cancelled 0 unpaid orders." in out.getvalue()
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {recent.pk: "pending", paid.pk: "paid"}
    assert stock_of(car) == 2


def test_the_periodic_task_uses_the_configured_age(customer, settings, run_on_commit):
    settings.ORDERS_UNPAID_EXPIRE_HOURS = 2
    car = product_make(stock=2)
    old = placed_hours_ago(order_make(customer, (car, 1)), 3)
    fresh = placed_hours_ago(order_make(customer, (car, 1)), 1)

    with run_on_commit():
        cancelled = orders_unpaid_expire_task()

    assert settings.CELERY_BEAT_SCHEDULE["orders-unpaid-expire"]["task"] == (
        orders_unpaid_expire_task.name
    )
    assert cancelled == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "cancelled", fresh.pk: "pending"}
    assert OrderStatusHistory.objects.get(order=old, to_status="cancelled").reason == (
        "Not paid within 2 hours"
    )
    assert stock_of(car) == 1


# CLOCKS
# ------------------------------------------------------------------------------
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def expire_at(order, age: timedelta, *, older_than: timedelta = 48 * HOUR) -> int:
    """Run the sweep on a clock `age` after `order` was placed."""
    return services.orders_unpaid_expire(older_than=older_than, now=order.created_at + age)


def status(order) -> str:
    return Order.objects.get(pk=order.pk).status


def cancel_reason(order) -> str:
    return OrderStatusHistory.objects.get(order=order, to_status="cancelled").reason


def paid(order, amount: str):
    services.order_paid_amount_set(order_id=order.pk, paid_amount=Decimal(amount), version=1)


def loan(order, loan_status: str):
    services.order_link_note(
        order_id=order.pk,
        kind="loan_application",
        reference_id=uuid.uuid4(),
        status=loan_status,
        reported_at=timezone.now(),
        event=f"financing.{loan_status}",
    )


def test_a_vehicle_is_held_24_hours_then_its_order_is_cancelled_and_it_is_back_on_sale(
    customer, run_on_commit
):
    car = vehicle_make()
    order = order_make(customer, (car, 1))

    with run_on_commit():
        kept = expire_at(order, 23 * HOUR)
    assert (kept, status(order), stock_of(car)) == (0, "pending", 0)

    with run_on_commit():
        cancelled = expire_at(order, 25 * HOUR)
    assert (cancelled, status(order), stock_of(car)) == (1, "cancelled", 1)
    assert cancel_reason(order) == "Vehicle not paid within 24 hours"


def test_the_vehicle_hold_is_the_shorter_of_older_than_and_its_setting(customer, settings):
    settings.ORDERS_VEHICLE_HOLD_HOURS = 6
    order = order_make(customer, (vehicle_make(), 1))

    assert expire_at(order, 5 * HOUR) == 0
    assert expire_at(order, 7 * HOUR) == 1
    assert cancel_reason(order) == "Vehicle not paid within 6 hours"
    other = order_make(customer, (vehicle_make(), 1))
    assert expire_at(other, 3 * HOUR, older_than=2 * HOUR) == 1
    assert cancel_reason(other) == "Vehicle not paid within 2 hours"


def test_an_order_of_accessories_keeps_the_older_than_clock(customer, run_on_commit):
    mats = product_make(stock=10)
    order = order_make(customer, (mats, 2))

    assert expire_at(order, 47 * HOUR) == 0
    assert status(order) == "pending"
    with run_on_commit():
        assert expire_at(order, 49 * HOUR) == 1
    assert (status(order), stock_of(mats)) == ("cancelled", 10)
    assert cancel_reason(order) == "Not paid within 48 hours"


def test_a_ten_percent_deposit_keeps_the_vehicle_for_14_days(customer, run_on_commit):
    car = vehicle_make(price="1500000.00")
    order = order_make(customer, (car, 1))
    paid(order, "150000.00")

    assert expire_at(order, 25 * HOUR) == 0
    assert expire_at(order, 14 * DAY - HOUR) == 0
    assert (status(order), stock_of(car)) == ("pending", 0)
    with run_on_commit():
        assert expire_at(order, 14 * DAY + HOUR) == 1
    assert (status(order), stock_of(car)) == ("cancelled", 1)
    assert cancel_reason(order) == "Financed, but not paid within 14 days"


def test_the_deposit_is_counted_on_the_vehicle_lines_alone(customer):
    # 150,000 is 10% of the vehicle, 7.5% of the order with its accessory.
    wheels = product_make(stock=10, price="500000.00")
    order = order_make(customer, (vehicle_make(price="1500000.00"), 1), (wheels, 1))
    paid(order, "150000.00")

    assert expire_at(order, 25 * HOUR) == 0
    assert status(order) == "pending"


def test_a_deposit_a_kopeck_short_of_ten_percent_does_not_finance_the_order(customer):
    order = order_make(customer, (vehicle_make(price="1500000.00"), 1))
    paid(order, "149999.99")

    assert expire_at(order, 25 * HOUR) == 1
    assert cancel_reason(order) == "Vehicle not paid within 24 hours"


@pytest.mark.parametrize("loan_status", ["approved", "sent_to_lender", "disbursed"])
def test_an_approved_loan_keeps_the_order_whatever_older_than_says(customer, loan_status):
    order = order_make(customer, (vehicle_make(), 1))
    loan(order, loan_status)

    assert expire_at(order, 13 * DAY, older_than=timedelta(0)) == 0
    assert status(order) == "pending"
    assert expire_at(order, 14 * DAY + HOUR, older_than=timedelta(0)) == 1
    assert cancel_reason(order) == "Financed, but not paid within 14 days"


def test_a_loan_not_yet_approved_does_not_finance_the_order(customer):
    order = order_make(customer, (vehicle_make(), 1))
    loan(order, "submitted")

    assert expire_at(order, 25 * HOUR) == 1
    assert cancel_reason(order) == "Vehicle not paid within 24 hours"
