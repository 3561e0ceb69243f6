"""Concurrent applications against PostgreSQL from real threads; every transaction commits."""

import pytest

from conftest import client_for, run_concurrently
from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import LIST_URL, car_order_make, terms

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_ten_concurrent_applications_for_one_order_open_exactly_one(customer):
    order = car_order_make(customer)
    client = client_for(customer)
    body = {"order_id": str(order.pk), **terms(monthly_income="50000.00")}

    responses = run_concurrently(10, lambda: client.post(LIST_URL, body, format="json"))

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    codes = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert codes == {"application_already_open"}
    application = LoanApplication.objects.get()
    assert application.status == "pending_review"
    assert LoanInstallment.objects.filter(application=application).count() == 60
    assert OutboxEvent.objects.filter(type="financing.submitted").count() == 1
