"""No provider call runs inside a database transaction or under a row lock: refunds are
reserved (commit), carried out (provider), then settled (commit) — docs/architecture.md §3.3."""

from decimal import Decimal

import pytest
from django.db import transaction

from common.events.delivery import deliver
from common.events.registry import outbox_model
from common.events.types import event_from_outbox_row
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import Refund
from payments.tests.factories import completed_payment_make

pytestmark = [pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def captured(customer, provider):
    """A pending order of 500.00 with a completed payment of 200.00."""
    provider.set_control(latency_ms=0)
    order = order_make(customer, (product_make(price="500.00"), 1))
    return completed_payment_make(customer, order, "200.00")


def test_a_refund_asked_for_inside_a_transaction_is_refused_before_the_provider_hears(
    captured, provider
):
    refused = pytest.raises(RuntimeError, match="inside a database transaction")
    with refused, transaction.atomic(using="payments"):
        services.payment_refund(payment_id=captured.pk, reason="under a lock")

    assert not Refund.objects.exists()  # the reservation rolled back with the block
    assert provider.records("refunds") == {}
    captured.refresh_from_db()
    assert (captured.status, captured.refunded_amount) == ("completed", Decimal("0.00"))


def test_a_charge_inside_a_transaction_is_refused(customer, provider, monkeypatch):
    from payments.tasks import payment_process_task

    celery_app = payment_process_task.app
    # given: a pending payment whose processing task waits in the broker, no worker taking it
    monkeypatch.setattr(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    order = order_make(customer, (product_make(price="50.00"), 1))
    payment, _ = services.payment_create(
        user=customer, order_id=order.pk, amount=Decimal("50.00"), method="card",
        idempotency_key="inside",
    )  # fmt: skip
    celery_app.control.purge()

    refused = pytest.raises(RuntimeError, match="inside a database transaction")
    with refused, transaction.atomic(using="orders"):
        services.payment_process(payment_id=payment.pk)

    assert str(payment.pk) not in provider.records("charges")
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_the_cancellation_saga_refunds_after_the_consumers_commit(captured, provider, customer):
    # when: the order is cancelled; its event goes through the outbox to payments' consumer,
    # which runs in its own transaction (Celery runs eagerly in the suite)
    orders_services.order_status_set(order_id=captured.payable_id, status="cancelled")

    # then: the refund was reserved in that transaction and carried out after its commit;
    # had the provider been called inside it, the consumer would have failed
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("completed", Decimal("200.00"))
    assert list(provider.records("refunds")) == [str(refund.pk)]
    captured.refresh_from_db()
    assert (captured.status, captured.refunded_amount) == ("refunded", Decimal("200.00"))
    order = orders_selectors.order_view_get(user=customer, order_id=captured.payable_id)
    assert order.paid_amount == Decimal("0.00")
    # and a redelivery of the event changes nothing
    row = outbox_model("orders").objects.get(type="order.cancelled")
    event = event_from_outbox_row(row, "orders")
    assert deliver("payments.settle_cancelled_order", event.as_dict()) is False
    assert Refund.objects.count() == 1
