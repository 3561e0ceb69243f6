"""Test data for payments, made through the services."""

import uuid
from decimal import Decimal

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
