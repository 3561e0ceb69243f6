"""A payment through Stripe Checkout up to the customer's confirmation, against its mocked
API (provider_api.py): where its notifications arrive, and the session and intent it gives."""

import json
from urllib.parse import parse_qsl

from orders.tests.factories import order_make, product_make
from payments.models import Payment
from payments.tests.provider_api import STRIPE_API, stripe_session

NOTIFY = "/api/v1/payments/notifications/stripe"
SESSION = "cs_test_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0"
INTENT = "pi_3QxYz2LkdIwHu7ix0a1b2c3d"


def form(request) -> dict:
    """The form a request to Stripe's API sent (the SDK sends forms, not JSON)."""
    return dict(parse_qsl(request.body))


def answer_creates(mock):
    """Stripe's answer to creating a Checkout Session: the session of the payment the request
    names; the requests it received are in `mock.calls`."""

    def create(request):
        payment = Payment.objects.get(pk=form(request)["client_reference_id"])
        return 200, {}, json.dumps(stripe_session(payment, id=SESSION))

    mock.add_callback("POST", f"{STRIPE_API}/v1/checkout/sessions", callback=create)


def awaiting_confirmation(customer, client, mock, run_on_commit, price="1000.00") -> Payment:
    """A payment of an order of `customer`'s, a Checkout Session at Stripe (`mock`) made by
    `client`, waiting for the customer to pay there."""
    order = order_make(customer, (product_make(price=price), 1))
    answer_creates(mock)
    with run_on_commit():
        response = client.post(
            "/api/v1/payments/",
            {"order_id": str(order.pk), "amount": price, "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="key-1",
        )
    assert response.status_code == 201
    return Payment.objects.get()
