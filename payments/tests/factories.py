"""Test data for payments, made through the services."""

import uuid
from decimal import Decimal

from django.urls import reverse

from conftest import client_for
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import Payment


def pending_payment_make(customer, order, amount="10.00", *, method="card") -> Payment:
    """A pending payment whose processing was never enqueued (no commit in a test)."""
    payment, _created = services.payment_create(
        user=customer,
        order_id=order.pk,
        amount=Decimal(amount),
        method=method,
        idempotency_key=uuid.uuid4().hex,
    )
    return payment


def completed_payment_make(customer, order, amount="10.00") -> Payment:
    """A payment charged through the provider (the fake one in tests)."""
    payment = pending_payment_make(customer, order, amount)
    return services.payment_process(payment_id=payment.pk)


def paid_order_of(user, run_on_commit, price="1000.00"):
    """An order of `user`'s, paid in full by one completed payment."""
    order = order_make(user, (product_make(price=price), 1))
    with run_on_commit():
        client_for(user).post(
            reverse("payments-list"),
            {"order_id": str(order.pk), "amount": price, "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"pay-{order.pk}",
        )
    payment = Payment.objects.get(payable_id=order.pk)
    assert payment.status == "completed"
    return order, payment
