"""Fixtures of the browser tests, and the report of a failing test's pages."""

import pytest

from financing.tests.factories import application_make
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make
from tests.browser.pages import saved_on_failure


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Where the pages open when the test failed were saved (tests/browser/pages.py,
    `save_open_pages`), as a section of its report."""
    report = yield
    if saved_on_failure:
        report.sections.append(("screenshots of the open pages", "\n".join(saved_on_failure)))
        saved_on_failure.clear()
    return report


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
