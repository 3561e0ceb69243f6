"""Fixtures of the browser tests."""

import pytest

from financing.tests.factories import application_make
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make


@pytest.fixture
def sale(customer, settings, provider):
    """An order with a payment and a loan application, as a manager finds them."""
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    customer.full_name = "Konstantin Konstantinovich Rimsky-Korsakov"  # a long one
    customer.save(update_fields=["full_name"])
    order = order_make(customer, (product_make(price="1250000.00"), 1))
    payment = completed_payment_make(customer, order, "250000.00")
    application = application_make(customer, order, vehicle_price="1250000.00")
    return order, payment, application
