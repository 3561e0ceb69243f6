"""Stripe, through its official SDK. A payment is a Checkout Session: the customer pays on
Stripe's page (3-D Secure included) and comes back to our return URL; Stripe then sends a
signed event. Once paid, the payment's reference is the session's PaymentIntent, which
refunds and reconciliation use. Amounts are integers in the currency's minor unit, as the
API reference documents them (docs/payments.md)."""

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import stripe
from django.conf import settings

from payments.providers.base import (
    ChargeDeclined,
    ChargeRequest,
    Kind,
    Notification,
    NotificationRefused,
    ProviderRecord,
    ProviderUnavailable,
    ReceiptRequest,
    RefundRequest,
    RemoteProvider,
    State,
)

# Currencies without a minor unit, and with a minor unit of a thousandth (Stripe's list).
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])
PAYMENT_INTENT_STATES = {"succeeded": State.SUCCEEDED, "canceled": State.FAILED}
# A completed session's PaymentIntent in one of these: its delayed payment failed.
FAILED_INTENT_STATES = ("requires_payment_method", "canceled")
REFUND_STATES = {
    "succeeded": State.SUCCEEDED,
    "failed": State.FAILED,
    "canceled": State.FAILED,
}
LIST_LIMIT = 100  # items per page, the API's maximum


def _exponent(currency: str) -> int:
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    minor = amount.scaleb(_exponent(currency))
    if minor != minor.to_integral_value():
        raise ChargeDeclined(f"{amount} {currency} has more decimals than the currency has.")
    return int(minor)


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-_exponent(currency)).quantize(Decimal("0.01"))


class StripeProvider(RemoteProvider):
    name = "stripe"
    # Stripe registers no fiscal receipts (54-FZ): its charges and refunds carry none, and a
    # dealership that takes roubles through it issues them some other way (docs/payments.md).
    fiscal = False

    def __init__(self):
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=0,  # the breaker and the task's retries decide about that
            http_client=stripe.RequestsClient(timeout=settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS),
        )

    def charge(self, request: ChargeRequest) -> ProviderRecord:
        metadata = {"payment_id": request.payment_id}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": to_minor(request.amount, request.currency),
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "client_reference_id": request.payment_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": request.return_url,
            "cancel_url": request.return_url,
        }
        with _errors(declined=True):
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": f"payment-{request.payment_id}"}
            )
        return self._created(_session_record(session.to_dict()))

    def refund(self, request: RefundRequest) -> ProviderRecord:
        params = {
            "payment_intent": request.charge_reference,
            "amount": to_minor(request.amount, request.currency),
            "metadata": {"refund_id": request.refund_id},
        }
        with _errors(declined=True):
            refund = self.client.v1.refunds.create(
                params, {"idempotency_key": f"refund-{request.refund_id}"}
            )
        return _refund_record(refund.to_dict())

    def fetch(self, kind: Kind, reference: str) -> ProviderRecord:
        with _errors():
            if kind is Kind.REFUND:
                return _refund_record(self.client.v1.refunds.retrieve(reference).to_dict())
            if reference.startswith("cs_"):
                session = self.client.v1.checkout.sessions.retrieve(
                    reference, {"expand": ["payment_intent"]}
                )
                return _session_record(session.to_dict())
            intent = self.client.v1.payment_intents.retrieve(reference)
            return _intent_record(intent.to_dict())

    def receipt(self, request: ReceiptRequest) -> ProviderRecord:
        raise NotImplementedError("Stripe registers no fiscal receipts (docs/payments.md).")

    def records_between(self, kind: Kind, start: datetime, end: datetime) -> list[ProviderRecord]:
        params = {
            "created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())},
            "limit": LIST_LIMIT,
        }
        objects, parse = (
            (self.client.v1.payment_intents, _intent_record)
            if kind is Kind.CHARGE
            else (self.client.v1.refunds, _refund_record)
        )
        with _errors():
            records = [parse(item.to_dict()) for item in objects.list(params).auto_paging_iter()]
        return [record for record in records if record.state is State.SUCCEEDED]

    def notification(self, *, body: bytes, headers, client_ip: str) -> Notification | None:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as exc:
            raise NotificationRefused(f"The Stripe-Signature does not verify: {exc}") from exc
        except ValueError as exc:
            raise NotificationRefused(f"Not a Stripe event: {exc}") from exc
        obj = event.data.object.to_dict()
        metadata = obj.get("metadata") or {}
        if event.type.startswith("checkout.session."):
            kind, ours = Kind.CHARGE, obj.get("client_reference_id") or metadata.get("payment_id")
        elif event.type.startswith("payment_intent."):
            kind, ours = Kind.CHARGE, metadata.get("payment_id")
        elif event.type.startswith(("refund.", "charge.refund.")):
            kind, ours = Kind.REFUND, metadata.get("refund_id")
        else:
            return None
        # Signed, so its body is Stripe's word; the object is still fetched again, to act
        # on its state now rather than on an event that may arrive late.
        return Notification(
            event_id=event.id,
            event_type=event.type,
            kind=kind,
            reference=str(obj["id"]),
            ours=str(ours or ""),
        )


def _created_at(obj: dict) -> datetime | None:
    return datetime.fromtimestamp(obj["created"], UTC) if obj.get("created") else None


def _session_record(session: dict) -> ProviderRecord:
    """A Checkout Session, its PaymentIntent expanded or not. Paid by a method that settles
    later (a bank debit), it is complete but unpaid until the PaymentIntent settles."""
    currency = session["currency"].upper()
    intent = session.get("payment_intent")
    intent_id = intent.get("id") if isinstance(intent, dict) else intent
    intent_failed = isinstance(intent, dict) and intent.get("status") in FAILED_INTENT_STATES
    state, reference, reason = State.REQUIRES_ACTION, session["id"], ""
    if session.get("payment_status") in ("paid", "no_payment_required"):
        state, reference = State.SUCCEEDED, intent_id or session["id"]
    elif session.get("status") == "expired":
        state, reason = State.FAILED, "The Stripe checkout session expired."
    elif session.get("status") == "complete" and intent_failed:
        state, reason = State.FAILED, "The customer's payment method failed."
    elif session.get("status") == "complete":
        state = State.PROCESSING
    return ProviderRecord(
        reference=reference,
        state=state,
        ours=str(session.get("client_reference_id") or ""),
        amount=from_minor(session["amount_total"], currency),
        currency=currency,
        confirmation_url=(session.get("url") or "") if state is State.REQUIRES_ACTION else "",
        failure_reason=reason,
        created_at=_created_at(session),
    )


def _intent_record(intent: dict) -> ProviderRecord:
    currency = intent["currency"].upper()
    state = PAYMENT_INTENT_STATES.get(intent["status"], State.PROCESSING)
    reason = intent.get("cancellation_reason") or ""
    return ProviderRecord(
        reference=intent["id"],
        state=state,
        ours=str((intent.get("metadata") or {}).get("payment_id", "")),
        amount=from_minor(
            intent["amount_received"] if state is State.SUCCEEDED else intent["amount"], currency
        ),
        currency=currency,
        failure_reason=f"Stripe cancelled the payment: {reason}" if state is State.FAILED else "",
        created_at=_created_at(intent),
    )


def _refund_record(refund: dict) -> ProviderRecord:
    currency = refund["currency"].upper()
    return ProviderRecord(
        reference=refund["id"],
        state=REFUND_STATES.get(refund["status"], State.PROCESSING),
        ours=str((refund.get("metadata") or {}).get("refund_id", "")),
        amount=from_minor(refund["amount"], currency),
        currency=currency,
        failure_reason=refund.get("failure_reason") or "",
        created_at=_created_at(refund),
    )


@contextmanager
def _errors(*, declined: bool = False):
    """The SDK's failures as the provider interface names them (`declined`: a refused
    request is a final answer)."""
    try:
        yield
    except stripe.CardError as exc:
        raise ChargeDeclined(exc.user_message or str(exc)) from exc
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            raise LookupError(f"Stripe holds no such object: {exc.user_message}") from exc
        if declined:
            raise ChargeDeclined(f"Stripe refused the request: {exc.user_message}") from exc
        raise ProviderUnavailable(f"Stripe refused the request: {exc.user_message}") from exc
    except stripe.StripeError as exc:  # connection, rate limit, authentication, a 5xx
        raise ProviderUnavailable(f"Stripe did not answer: {exc}") from exc
