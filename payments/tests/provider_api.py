"""The payment providers' HTTP APIs, as their public API references show them, for mocking
with `responses` (the only thing the provider tests mock: our code, the SDKs and the
database run for real)."""

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

YOOKASSA_API = "https://api.yookassa.ru/v3"
YOOKASSA_ADDRESS = "185.71.76.10"  # inside YooKassa's published 185.71.76.0/27
STRIPE_API = "https://api.stripe.com"
STRIPE_WEBHOOK_SECRET = "whsec_test_6vQ4hCq0bbJz1H2T"


def requests_to(mock, method: str, path: str) -> list:
    """The requests `mock` received for `method` and `path` (the URL's path, no query)."""
    return [
        call.request
        for call in mock.calls
        if (call.request.method, call.request.path_url.split("?")[0]) == (method, path)
    ]


def stamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# YOOKASSA (https://yookassa.ru/developers/api)
# ------------------------------------------------------------------------------
def yookassa_payment(payment, *, id=None, status="pending", amount=None, created=None) -> dict:
    """A payment object: `pending` with its redirect confirmation, or `succeeded` or
    `canceled`, with the fields the reference shows for each."""
    id = id or f"{uuid.uuid4().hex[:8]}-000f-5000-8000-{uuid.uuid4().hex[:12]}"
    value = {"value": f"{amount or payment.amount:.2f}", "currency": payment.currency}
    body = {
        "id": id,
        "status": status,
        "paid": status == "succeeded",
        "amount": value,
        "created_at": stamp(created),
        "description": payment.description or f"Autosalon payment {str(payment.pk)[:8]}",
        "metadata": {"payment_id": str(payment.pk)},
        "recipient": {"account_id": "100500", "gateway_id": "1000001"},
        "refundable": status == "succeeded",
        "test": True,
    }
    if status == "pending":
        body["confirmation"] = {
            "type": "redirect",
            "confirmation_url": f"https://yoomoney.ru/api-pages/v2/payment-confirm/epl?orderId={id}",
        }
    if status == "succeeded":
        body |= {
            "captured_at": stamp(),
            "income_amount": {
                "value": f"{(amount or payment.amount) * Decimal('0.965'):.2f}",
                "currency": payment.currency,
            },
            "refunded_amount": {"value": "0.00", "currency": payment.currency},
            "payment_method": {
                "type": "bank_card",
                "id": id,
                "saved": False,
                "title": "Bank card *4444",
                "card": {
                    "first6": "555555",
                    "last4": "4444",
                    "expiry_month": "07",
                    "expiry_year": "2029",
                    "card_type": "MasterCard",
                    "issuer_country": "RU",
                },
            },
            "authorization_details": {
                "rrn": "603668680243",
                "auth_code": "000000",
                "three_d_secure": {"applied": True},
            },
        }
    if status == "canceled":
        body["cancellation_details"] = {"party": "payment_network", "reason": "card_expired"}
    return body


def yookassa_refund(refund_id, payment_reference, amount, *, status="succeeded", id=None) -> dict:
    return {
        "id": id or f"{uuid.uuid4().hex[:8]}-0015-5000-9000-{uuid.uuid4().hex[:12]}",
        "status": status,
        "amount": {"value": f"{amount:.2f}", "currency": "RUB"},
        "created_at": stamp(),
        "payment_id": payment_reference,
        "metadata": {"refund_id": str(refund_id)},
    }


def yookassa_receipt(sent: dict, *, id: str, status: str = "pending") -> dict:
    """A receipt object, as POST /receipts answers with the receipt it was sent."""
    return {
        "id": id,
        "type": sent["type"],
        "payment_id": sent.get("payment_id"),
        "status": status,
        "items": sent["items"],
        "settlements": sent.get("settlements", []),
        "tax_system_code": sent.get("tax_system_code"),
    }


def yookassa_notification(event: str, obj: dict) -> bytes:
    return json.dumps({"type": "notification", "event": event, "object": obj}).encode()


def yookassa_list(items: list[dict], next_cursor: str | None = None) -> dict:
    return {"type": "list", "items": items, **({"next_cursor": next_cursor} if next_cursor else {})}


# STRIPE (https://docs.stripe.com/api)
# ------------------------------------------------------------------------------
def stripe_session(payment, *, id=None, intent=None, paid=False, expired=False) -> dict:
    """A Checkout Session: open (with its `url`), paid (with its PaymentIntent) or expired."""
    id = id or f"cs_test_a1{uuid.uuid4().hex}"
    return {
        "id": id,
        "object": "checkout.session",
        "amount_subtotal": int(payment.amount * 100),
        "amount_total": int(payment.amount * 100),
        "cancel_url": f"https://autosalon.example/payments/{payment.pk}/return",
        "client_reference_id": str(payment.pk),
        "created": int(time.time()),
        "currency": payment.currency.lower(),
        "customer": None,
        "customer_details": {"email": "buyer@example.com", "name": "Ivan Petrov"} if paid else None,
        "expires_at": int(time.time()) + 86400,
        "livemode": False,
        "metadata": {"payment_id": str(payment.pk)},
        "mode": "payment",
        "payment_intent": intent if paid else None,
        "payment_method_types": ["card"],
        "payment_status": "paid" if paid else "unpaid",
        "status": "expired" if expired else "complete" if paid else "open",
        "success_url": f"https://autosalon.example/payments/{payment.pk}/return",
        "url": None
        if paid or expired
        else f"https://checkout.stripe.com/c/pay/{id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
    }


def stripe_intent(payment, *, id, status="succeeded", created=None) -> dict:
    minor = int(payment.amount * 100)
    return {
        "id": id,
        "object": "payment_intent",
        "amount": minor,
        "amount_capturable": 0,
        "amount_received": minor if status == "succeeded" else 0,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{id}_secret_Wk0sGx2",
        "confirmation_method": "automatic",
        "created": int((created or datetime.now(UTC)).timestamp()),
        "currency": payment.currency.lower(),
        "latest_charge": f"ch_3{uuid.uuid4().hex[:22]}",
        "livemode": False,
        "metadata": {"payment_id": str(payment.pk)},
        "payment_method": f"pm_1{uuid.uuid4().hex[:22]}",
        "payment_method_types": ["card"],
        "status": status,
    }


def stripe_refund(refund_id, intent_id, amount, currency="rub", *, status="succeeded", id=None):
    return {
        "id": id or f"re_3{uuid.uuid4().hex[:22]}",
        "object": "refund",
        "amount": int(amount * 100),
        "balance_transaction": f"txn_3{uuid.uuid4().hex[:22]}",
        "charge": f"ch_3{uuid.uuid4().hex[:22]}",
        "created": int(time.time()),
        "currency": currency,
        "metadata": {"refund_id": str(refund_id)},
        "payment_intent": intent_id,
        "reason": None,
        "status": status,
    }


def stripe_list(url: str, items: list[dict]) -> dict:
    return {"object": "list", "data": items, "has_more": False, "url": url}


def stripe_event(type: str, obj: dict, *, id=None) -> bytes:
    return json.dumps(
        {
            "id": id or f"evt_1{uuid.uuid4().hex[:22]}",
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type,
        }
    ).encode()


def stripe_signature(body: bytes, secret: str = STRIPE_WEBHOOK_SECRET) -> str:
    """The Stripe-Signature header, as Stripe's documentation describes computing it."""
    timestamp = int(time.time())
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={signed.hexdigest()}"
