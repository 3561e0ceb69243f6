"""Payments processed by a real Celery worker process on Redis, committed transactions."""

from decimal import Decimal

import pytest

from conftest import client_for
from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make
from payments.models import Payment
from tests.processes import Worker, wait_for, wait_unacknowledged_visible

# Its tests share the module's Celery worker: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = [
    pytest.mark.xdist_group("payments_with_celery_worker"),
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


def pay(client, order, amount, key):
    return client.post(
        "/api/v1/payments/",
        {"order_id": str(order.pk), "amount": amount, "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def order_state(customer, order):
    order = orders_selectors.order_get(user=customer, order_id=order.pk)
    return order.status, order.paid_amount


def test_paying_in_full_makes_the_order_paid(worker, provider, customer):
    order = order_make(customer, (product_make(price="250.00"), 1))

    response = pay(client_for(customer), order, "250.00", "full")

    assert response.json()["status"] == "pending"
    wait_for(lambda: order_state(customer, order)[0] == "paid", message="order paid")
    assert order_state(customer, order) == ("paid", Decimal("250.00"))
    history = orders_selectors.order_history(user=customer, order_id=order.pk)
    assert [(h.from_status, h.to_status, h.changed_by_role) for h in history][-1] == (
        "pending",
        "paid",
        "system",
    )
    assert Payment.objects.get().status == "completed"


def test_paying_in_two_parts_makes_the_order_paid_after_the_second(worker, provider, customer):
    client = client_for(customer)
    order = order_make(customer, (product_make(price="900.00"), 1))

    pay(client, order, "300.00", "first")
    wait_for(
        lambda: order_state(customer, order) == ("pending", Decimal("300.00")), message="first part"
    )
    pay(client, order, "600.00", "second")

    wait_for(lambda: order_state(customer, order)[0] == "paid", message="order paid")
    assert order_state(customer, order) == ("paid", Decimal("900.00"))
    history = orders_selectors.order_history(user=customer, order_id=order.pk)
    assert [(h.to_status, h.reason) for h in history][-1] == ("paid", "Paid in full")
    assert set(Payment.objects.values_list("status", flat=True)) == {"completed"}
    assert len(provider.charges()) == 2


def test_a_worker_killed_mid_charge_leaves_exactly_one_charge(
    own_worker, broker, provider, customer, tmp_path
):
    client = client_for(customer)
    order = order_make(customer, (product_make(price="500.00"), 1))
    provider.set_control(latency_ms=30_000)  # the provider holds the answer back

    pay(client, order, "500.00", "only")
    payment = Payment.objects.get()
    wait_for(
        lambda: str(payment.pk) in provider.charges(), message="the charge reaching the provider"
    )
    own_worker.kill()  # SIGKILL while the provider is in the middle of the charge
    provider.set_control(latency_ms=0)
    payment.refresh_from_db()
    assert payment.status == "pending"

    # Redis hands an unacknowledged task out again once its visibility timeout (5 s for test
    # workers) has passed; a starting worker restores such tasks at once.
    wait_unacknowledged_visible()
    replacement = Worker(tmp_path / "worker-2.log").start()
    try:
        wait_for(
            lambda: Payment.objects.get().status == "completed", timeout=90, message="redelivery"
        )
        wait_for(lambda: order_state(customer, order)[0] == "paid", message="order paid")
    finally:
        replacement.stop()

    assert list(provider.charges()) == [str(payment.pk)]
    payment.refresh_from_db()
    assert payment.provider_reference == provider.charges()[str(payment.pk)]["reference"]
    assert payment.provider_attempts == 2  # the second attempt asked before charging
    assert list(payment.transactions.values_list("type", "amount")) == [
        ("charge", Decimal("500.00"))
    ]
