"""Payments through Stripe Checkout: its HTTP API is mocked with bodies from its API
reference; our code, its SDK and the databases run for real."""

import json
from decimal import Decimal
from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import LedgerTransaction, Payment, ProviderNotification, Receipt, Refund
from payments.providers import ProviderUnavailable
from payments.tests.factories import pending_payment_make
from payments.tests.provider_api import (
    STRIPE_API,
    requests_to,
    stripe_event,
    stripe_intent,
    stripe_list,
    stripe_refund,
    stripe_session,
    stripe_signature,
)
from payments.tests.stripe_flow import INTENT, NOTIFY, SESSION, awaiting_confirmation, form

pytestmark = pytest.mark.django_db(databases="__all__")
REFUND = "re_3QxYz2LkdIwHu7ix1e2f3g4h"


def notify(client, type, obj, *, signature=None):
    body = stripe_event(type, obj)
    return client.post(
        NOTIFY,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(body) if signature is None else signature,
    )


def confirmed(client, mock, payment, run_on_commit) -> Payment:
    paid = stripe_session(payment, id=SESSION, intent=INTENT, paid=True)
    mock.get(f"{STRIPE_API}/v1/checkout/sessions/{SESSION}", json=paid)
    with run_on_commit():
        assert notify(client, "checkout.session.completed", paid).json()["status"] == "accepted"
    payment.refresh_from_db()
    return payment


def test_a_payment_from_checkout_to_a_partial_refund(
    customer, customer_client, manager_client, client, stripe_api, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit)

    # 1–2. A Checkout Session at Stripe, waiting for the customer.
    (create,) = requests_to(stripe_api, "POST", "/v1/checkout/sessions")
    assert create.headers["Idempotency-Key"] == f"payment-{payment.pk}"
    sent = form(create)
    assert {
        "mode": "payment",
        "line_items[0][price_data][currency]": "rub",
        "line_items[0][price_data][unit_amount]": "100000",  # kopecks
        "line_items[0][quantity]": "1",
        "metadata[payment_id]": str(payment.pk),
        "payment_intent_data[metadata][payment_id]": str(payment.pk),
        "success_url": f"http://127.0.0.1:8000/payments/{payment.pk}/return",
    }.items() <= sent.items()
    assert (payment.status, payment.provider, payment.provider_reference) == (
        "requires_action",
        "stripe",
        SESSION,
    )
    shown = customer_client.get(f"/api/v1/payments/{payment.pk}/").json()
    assert shown["confirmation_url"] == f"https://checkout.stripe.com/c/pay/{SESSION}" + (
        "#fidkdWxOYHwnPyd1blpxYHZxWjA0"
    )
    order = orders_selectors.order_get(user=customer, order_id=payment.payable_id)
    assert order.links.get(reference_id=payment.pk).status == "requires_action"

    # 3–5. checkout.session.completed: completed under its PaymentIntent, the order paid.
    payment = confirmed(client, stripe_api, payment, run_on_commit)
    assert (payment.status, payment.provider_reference) == ("completed", INTENT)
    charge = LedgerTransaction.objects.get()
    assert (charge.amount, charge.provider_reference) == (Decimal("1000.00"), INTENT)
    assert orders_selectors.order_get(user=customer, order_id=payment.payable_id).status == "paid"

    # 6. A partial refund, which Stripe takes as pending.
    def refund_created(request):
        made = stripe_refund(
            form(request)["metadata[refund_id]"],
            INTENT,
            Decimal("250"),
            status="pending",
            id=REFUND,
        )
        return 200, {}, json.dumps(made)

    stripe_api.add_callback("POST", f"{STRIPE_API}/v1/refunds", callback=refund_created)
    response = manager_client.post(
        f"/api/v1/payments/{payment.pk}/refund",
        {"amount": "250.00", "reason": "Floor mats were missing"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    refund = Refund.objects.get()
    (request,) = requests_to(stripe_api, "POST", "/v1/refunds")
    assert request.headers["Idempotency-Key"] == f"refund-{refund.pk}"
    assert {
        "payment_intent": INTENT,
        "amount": "25000",
        "metadata[refund_id]": str(refund.pk),
    }.items() <= form(request).items()

    # 7–8. refund.updated: the payment is partially refunded.
    done = stripe_refund(refund.pk, INTENT, Decimal("250"), id=REFUND)
    stripe_api.get(f"{STRIPE_API}/v1/refunds/{REFUND}", json=done)
    with run_on_commit():
        assert notify(client, "refund.updated", done).json()["status"] == "accepted"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("250.00"))
    # Stripe registers no fiscal receipts: none was recorded, none sent (docs/payments.md).
    assert not Receipt.objects.exists()
    assert not any("receipt" in key for key in form(create))
    assert sorted(LedgerTransaction.objects.values_list("amount", "provider_reference")) == [
        (Decimal("-250.00"), REFUND),
        (Decimal("1000.00"), INTENT),
    ]


@pytest.mark.parametrize(
    "signature",
    [
        "",  # none
        "t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        "other-secret",
        "stale",
    ],
)
def test_a_forged_stripe_notification_is_refused(
    customer, customer_client, client, stripe_api, run_on_commit, signature
):
    payment = awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit)
    paid = stripe_session(payment, id=SESSION, intent=INTENT, paid=True)
    body = stripe_event("checkout.session.completed", paid)
    if signature == "other-secret":
        signature = stripe_signature(body, "whsec_someone_elses")
    elif signature == "stale":  # a genuine signature, replayed an hour later
        genuine = stripe_signature(body).split(",")[1]
        signature = f"t={int(timezone.now().timestamp()) - 3600},{genuine}"

    with run_on_commit():
        response = client.post(
            NOTIFY, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "notification_refused"
    payment.refresh_from_db()
    assert payment.status == "requires_action"
    assert ProviderNotification.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0


def test_an_expired_checkout_fails_the_payment(
    customer, customer_client, client, stripe_api, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit)
    expired = stripe_session(payment, id=SESSION, expired=True)
    stripe_api.get(f"{STRIPE_API}/v1/checkout/sessions/{SESSION}", json=expired)

    with run_on_commit():
        notify(client, "checkout.session.expired", expired)

    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == (
        "failed",
        "The Stripe checkout session expired.",
    )
    assert LedgerTransaction.objects.count() == 0


def test_events_of_no_interest_are_answered_and_not_recorded(client, stripe_api):
    response = notify(
        client, "customer.created", {"id": "cus_NffrFeUfNV2Hib", "object": "customer"}
    )

    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert ProviderNotification.objects.count() == 0


def test_a_create_that_times_out_stays_pending_and_the_look_up_repeats_it_under_the_same_key(
    customer, stripe_api, run_on_commit
):
    order = order_make(customer, (product_make(price="500.00"), 1))
    payment = pending_payment_make(customer, order, "500.00")
    stripe_api.post(
        f"{STRIPE_API}/v1/checkout/sessions", body=requests.exceptions.ConnectTimeout("no answer")
    )

    with pytest.raises(ProviderUnavailable):
        services.payment_process(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == "pending"

    stripe_api.replace(
        "POST", f"{STRIPE_API}/v1/checkout/sessions", json=stripe_session(payment, id=SESSION)
    )
    with run_on_commit():
        call_command("payments_retry_pending", "--older-than", "0")

    payment.refresh_from_db()
    assert (payment.status, payment.provider_reference) == ("requires_action", SESSION)
    first, second = requests_to(stripe_api, "POST", "/v1/checkout/sessions")
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert first.headers["Idempotency-Key"] == f"payment-{payment.pk}"
    assert form(first) == form(second)


@pytest.mark.parametrize("planted", [False, True])
def test_reconciliation_against_stripe(
    customer, customer_client, client, stripe_api, run_on_commit, planted
):
    payment = confirmed(
        client,
        stripe_api,
        awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit),
        run_on_commit,
    )
    intents = [stripe_intent(payment, id=INTENT)]
    if planted:
        stranger = Payment(
            pk="0b7e3a52-9d61-4c1f-8f0e-2a4b6c8d0e1f", amount=Decimal("99.00"), currency="RUB"
        )
        intents.append(stripe_intent(stranger, id="pi_3QxYz2LkdIwHu7ix9z8y7x6w"))
    stripe_api.get(
        f"{STRIPE_API}/v1/payment_intents", json=stripe_list("/v1/payment_intents", intents)
    )
    stripe_api.get(f"{STRIPE_API}/v1/refunds", json=stripe_list("/v1/refunds", []))
    day = timezone.localdate().isoformat()
    out = StringIO()

    if planted:
        with pytest.raises(CommandError, match="1 difference"):
            call_command("payments_reconcile", "--date", day, stdout=out)
        assert out.getvalue().splitlines() == [
            "missing charge pi_3QxYz2LkdIwHu7ix9z8y7x6w: the provider holds 99.00 RUB, "
            "the ledger nothing"
        ]
    else:
        call_command("payments_reconcile", "--date", day, stdout=out)
        assert out.getvalue().strip() == f"{day}: the ledger agrees with the provider."


def test_a_refund_stripe_refuses_fails_and_frees_what_it_reserved(
    customer, customer_client, manager_client, client, stripe_api, run_on_commit
):
    payment = confirmed(
        client,
        stripe_api,
        awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit),
        run_on_commit,
    )
    refused = {
        "error": {
            "code": "charge_disputed",
            "doc_url": "https://stripe.com/docs/error-codes/charge-disputed",
            "message": "Charge ch_3QxYz2LkdIwHu7ix has been charged back; cannot issue a refund.",
            "request_log_url": "https://dashboard.stripe.com/test/logs/req_8Yp1XyZ",
            "type": "invalid_request_error",
        }
    }
    stripe_api.post(f"{STRIPE_API}/v1/refunds", status=400, json=refused)

    response = manager_client.post(
        f"/api/v1/payments/{payment.pk}/refund", {"reason": "Returned"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refund_refused"
    assert Refund.objects.get().status == "failed"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0.00"))
    assert LedgerTransaction.objects.count() == 1
    # Nothing stays reserved: the whole payment can still be refunded.
    stripe_api.remove("POST", f"{STRIPE_API}/v1/refunds")
    stripe_api.add_callback(
        "POST",
        f"{STRIPE_API}/v1/refunds",
        callback=lambda request: (
            200,
            {},
            json.dumps(
                stripe_refund(form(request)["metadata[refund_id]"], INTENT, Decimal("1000"))
            ),
        ),
    )
    again = manager_client.post(
        f"/api/v1/payments/{payment.pk}/refund", {"reason": "Returned"}, format="json"
    )
    assert again.status_code == 201
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("1000.00"))


def test_a_delayed_payment_that_fails_after_checkout_fails_the_payment(
    customer, customer_client, client, stripe_api, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit)
    complete = {
        **stripe_session(payment, id=SESSION),
        "status": "complete",
        "url": None,
        "payment_intent": stripe_intent(payment, id=INTENT, status="requires_payment_method"),
    }
    stripe_api.get(f"{STRIPE_API}/v1/checkout/sessions/{SESSION}", json=complete)

    with run_on_commit():
        notify(
            client, "checkout.session.async_payment_failed", {**complete, "payment_intent": INTENT}
        )

    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == (
        "failed",
        "The customer's payment method failed.",
    )
    (fetch,) = requests_to(stripe_api, "GET", f"/v1/checkout/sessions/{SESSION}")
    assert "expand" in fetch.path_url


def test_a_refund_pending_past_the_providers_key_lifetime_is_not_sent_again(
    customer, customer_client, client, stripe_api, run_on_commit, caplog
):
    from datetime import timedelta

    payment = confirmed(
        client,
        stripe_api,
        awaiting_confirmation(customer, customer_client, stripe_api, run_on_commit),
        run_on_commit,
    )
    refund = services.refund_reserve(payment_id=payment.pk, reason="Returned")
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - timedelta(hours=25))

    call_command("payments_retry_pending", "--older-than", "0")

    assert Refund.objects.get().status == "pending"
    assert requests_to(stripe_api, "POST", "/v1/refunds") == []
    assert "past the provider's key lifetime" in caplog.text
