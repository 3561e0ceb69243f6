"""A payment through YooKassa up to the customer's confirmation, against its mocked API
(provider_api.py): where its notifications arrive, and the reference it gives the payment."""

import json

from orders.tests.factories import order_make, product_make
from payments.models import Payment
from payments.tests.provider_api import YOOKASSA_API, yookassa_payment

NOTIFY = "/api/v1/payments/notifications/yookassa"
REFERENCE = "2d5f8a71-000f-5000-9000-1b68e7b15f3f"


def pay(client, order, amount, key="key-1"):
    """`client` pays `amount` of `order` by card, through the API."""
    body = {"order_id": str(order.pk), "amount": str(amount), "method": "card"}
    return client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def answer_creates(mock, reference=REFERENCE, *, status="pending"):
    """YooKassa's answer to POST /payments: the payment the request describes; the requests
    it received are in `mock.calls`."""

    def create(request):
        payment = Payment.objects.get(pk=json.loads(request.body)["metadata"]["payment_id"])
        return 200, {}, json.dumps(yookassa_payment(payment, id=reference, status=status))

    mock.add_callback("POST", f"{YOOKASSA_API}/payments", callback=create)


def awaiting_confirmation(customer, client, mock, run_on_commit, price="1000.00") -> Payment:
    """A payment of an order of `customer`'s, created at YooKassa (`mock`) by `client` and
    waiting for the customer to confirm it there."""
    order = order_make(customer, (product_make(price=price), 1))
    answer_creates(mock)
    with run_on_commit():
        assert pay(client, order, price).status_code == 201
    return Payment.objects.get()
