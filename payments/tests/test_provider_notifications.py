"""One provider notification, delivered five times at once and five more times after: one
recorded notification, one state change, one ledger row (the inbox pattern)."""

from contextlib import nullcontext

import pytest
from django.test import Client

from conftest import client_for, run_concurrently
from payments.models import LedgerTransaction, OutboxEvent, ProviderNotification
from payments.tests import stripe_flow, yookassa_flow
from payments.tests.provider_api import (
    STRIPE_API,
    YOOKASSA_ADDRESS,
    YOOKASSA_API,
    stripe_event,
    stripe_session,
    stripe_signature,
    yookassa_notification,
    yookassa_payment,
)


def yookassa_delivery(mock, payment):
    succeeded = yookassa_payment(payment, id=yookassa_flow.REFERENCE, status="succeeded")
    mock.get(f"{YOOKASSA_API}/payments/{yookassa_flow.REFERENCE}", json=succeeded)
    body = yookassa_notification("payment.succeeded", succeeded)
    return yookassa_flow.NOTIFY, body, {"REMOTE_ADDR": YOOKASSA_ADDRESS}


def stripe_delivery(mock, payment):
    paid = stripe_session(payment, id=stripe_flow.SESSION, intent=stripe_flow.INTENT, paid=True)
    mock.get(f"{STRIPE_API}/v1/checkout/sessions/{stripe_flow.SESSION}", json=paid)
    body = stripe_event("checkout.session.completed", paid)
    return stripe_flow.NOTIFY, body, {"HTTP_STRIPE_SIGNATURE": stripe_signature(body)}


PROVIDERS = {
    "yookassa": ("yookassa", yookassa_flow, yookassa_delivery),
    "stripe": ("stripe_api", stripe_flow, stripe_delivery),
}


@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.parametrize("name", PROVIDERS)
def test_a_notification_delivered_five_times_at_once_and_five_after_settles_once(
    request, customer, name
):
    fixture, flow, delivery = PROVIDERS[name]
    mock = request.getfixturevalue(fixture)
    payment = flow.awaiting_confirmation(customer, client_for(customer), mock, nullcontext)
    url, body, headers = delivery(mock, payment)

    def deliver():
        return Client().post(url, data=body, content_type="application/json", **headers)

    answers = run_concurrently(5, deliver) + [deliver() for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 10
    assert sorted(answer.json()["status"] for answer in answers) == ["accepted"] + ["duplicate"] * 9
    payment.refresh_from_db()
    assert payment.status == "completed"
    assert ProviderNotification.objects.get().status == "applied"
    assert LedgerTransaction.objects.filter(payment=payment).count() == 1
    assert OutboxEvent.objects.filter(type="payment.completed").count() == 1
    fetches = [call for call in mock.calls if call.request.method == "GET"]
    assert len(fetches) == 1
