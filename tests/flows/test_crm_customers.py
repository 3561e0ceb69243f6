"""A lead who pays is a customer: the CRM's timeline consumer of the payment, delivered as
the payment commits, moves the client to active once (docs/crm.md, "Statuses")."""

import pytest

from accounts import services as accounts_services
from accounts.tests.factories import PASSWORD
from crm.models import Client
from crm.tests.events import deliver
from orders.tests.factories import order_make, product_make
from payments import services as payments_services

pytestmark = pytest.mark.django_db(databases="__all__")


def register(email="anna@example.com", full_name="Anna Petrova"):
    return accounts_services.user_register(email=email, password=PASSWORD, full_name=full_name)


def test_a_lead_who_pays_becomes_an_active_customer_once(run_on_commit):
    user = register()
    deliver("accounts", "user.created")
    order = order_make(user, (product_make(price="500.00"), 1))
    deliver("orders", "order.created")
    assert Client.objects.get().status == "lead"  # an order alone is no purchase

    with run_on_commit():  # the fake provider charges at commit
        payments_services.payment_create(
            user=user, order_id=order.pk, amount=order.total_amount, method="card",
            idempotency_key="all-of-it",
        )  # fmt: skip

    # Delivered as the payment committed (in-process); once more below, as a repeat.
    client = Client.objects.get()
    assert client.status == "active"
    assert client.activities.filter(kind="payment_completed").count() == 1
    assert deliver("payments", "payment.completed") is False  # a repeat changes nothing
    assert Client.objects.get().status == "active"
