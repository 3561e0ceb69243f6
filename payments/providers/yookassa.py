"""YooKassa (yookassa.ru), through its official SDK. A payment is created with a redirect
confirmation: the customer confirms it on YooKassa's page (3-D Secure included) and comes
back to our return URL; YooKassa then notifies us. Amounts are decimal strings in the
currency's main unit, as the API v3 reference documents them. Charges and refunds carry
their fiscal receipt (54-FZ); a settlement receipt is created on its own, against the
charge it follows (docs/payments.md, "Fiscal receipts").

Notifications carry no signature: one is accepted only from YooKassa's published networks
(`YOOKASSA_NOTIFICATION_NETWORKS`), and its object is fetched again from the API before it
is acted on (docs/payments.md, "Notifications")."""

import functools
import ipaddress
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import requests
import yookassa
from django.conf import settings
from yookassa.client import ApiClient
from yookassa.domain.exceptions import ApiError, BadRequestError, NotFoundError

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

# The API's statuses: a payment's, then a refund's.
PAYMENT_STATES = {
    "pending": State.REQUIRES_ACTION,  # PROCESSING when there is nothing to confirm
    "waiting_for_capture": State.PROCESSING,
    "succeeded": State.SUCCEEDED,
    "canceled": State.FAILED,
}
REFUND_STATES = {
    "pending": State.PROCESSING,
    "succeeded": State.SUCCEEDED,
    "canceled": State.FAILED,
}
DESCRIPTION_LIMIT = 128  # characters, the API's limit on a payment's and a receipt line's
LIST_LIMIT = 100  # items per page, the API's maximum
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Shop:
    """A YooKassa shop's credentials: the group's (the settings') or a legal entity's."""

    shop_id: str
    secret_key: str


def shops() -> list[Shop]:
    """The group's shop, then each legal entity's of its own (YOOKASSA_SHOPS)."""
    own = [Shop(str(s["shop_id"]), str(s["secret_key"])) for s in settings.YOOKASSA_SHOPS.values()]
    return [Shop(settings.YOOKASSA_SHOP_ID, settings.YOOKASSA_SECRET_KEY), *own]


def shop_of(seller_inn: str) -> Shop:
    """The shop that takes the money and registers the receipts of the seller of that INN: its
    own, or the group's."""
    own = settings.YOOKASSA_SHOPS.get(seller_inn) if seller_inn else None
    return Shop(str(own["shop_id"]), str(own["secret_key"])) if own else shops()[0]


def _seller(receipt: ReceiptRequest | None) -> str:
    return receipt.seller_inn if receipt is not None else ""


class _Client(ApiClient):
    """The SDK's client for one shop, with a timeout on every request: it sets none of its
    own, and keeps one shop's credentials in class attributes."""

    def __init__(self, shop: Shop):
        super().__init__()
        self.shop_id, self.shop_password = shop.shop_id, shop.secret_key

    def get_session(self):
        session = super().get_session()
        session.request = functools.partial(
            session.request, timeout=settings.PAYMENTS_PROVIDER_TIMEOUT_SECONDS
        )
        return session


_Api = tuple[type[yookassa.Payment], type[yookassa.Refund], type[yookassa.Receipt]]


@functools.cache
def _api(shop: Shop) -> _Api:
    """The SDK's payments, refunds and receipts, through `shop` (its classmethods make an
    instance of the class for each call, which takes its client from here)."""
    init = {"__init__": _bound_init(shop)}
    return (
        type("_Payments", (yookassa.Payment,), init),
        type("_Refunds", (yookassa.Refund,), init),
        type("_Receipts", (yookassa.Receipt,), init),
    )


def _bound_init(shop: Shop):
    def __init__(self):
        self.client = _Client(shop)

    return __init__


class YooKassaProvider(RemoteProvider):
    name = "yookassa"
    fiscal = True

    def __init__(self):
        # The SDK keeps its configuration in class attributes: one shop per process.
        yookassa.Configuration.configure(
            settings.YOOKASSA_SHOP_ID,
            settings.YOOKASSA_SECRET_KEY,
            api_url=settings.YOOKASSA_API_URL,
            max_attempts=1,  # the breaker and the task's retries decide about trying again
        )

    def charge(self, request: ChargeRequest) -> ProviderRecord:
        params = {
            "amount": _amount(request.amount, request.currency),
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "description": request.description[:DESCRIPTION_LIMIT],
            "metadata": {"payment_id": request.payment_id},
        }
        if request.receipt is not None:
            params["receipt"] = _receipt(request.receipt)
        payments, _refunds, _receipts = _api(shop_of(_seller(request.receipt)))
        with _errors(declined=True):
            created = payments.create(params, idempotency_key=f"payment-{request.payment_id}")
        return self._created(_payment_record(dict(created)))

    def refund(self, request: RefundRequest) -> ProviderRecord:
        params = {
            "payment_id": request.charge_reference,
            "amount": _amount(request.amount, request.currency),
            "metadata": {"refund_id": request.refund_id},
        }
        if request.receipt is not None:
            params["receipt"] = _receipt(request.receipt)
        _payments, refunds, _receipts = _api(shop_of(_seller(request.receipt)))
        with _errors(declined=True):
            made = refunds.create(params, idempotency_key=f"refund-{request.refund_id}")
        return _refund_record(dict(made))

    def receipt(self, request: ReceiptRequest) -> ProviderRecord:
        params = {
            "type": request.kind,
            "payment_id": request.charge_reference,
            "send": True,
            **_receipt(request),
            "settlements": [
                {"type": "prepayment", "amount": _amount(request.prepaid, request.currency)}
            ],
        }
        _payments, _refunds, receipts = _api(shop_of(request.seller_inn))
        with _errors(declined=True):
            made = dict(receipts.create(params, idempotency_key=f"receipt-{request.receipt_id}"))
        return ProviderRecord(
            reference=str(made["id"]),
            ours=request.receipt_id,
            amount=request.total,
            currency=request.currency,
            receipt_status=str(made.get("status") or ""),
        )

    def fetch(self, kind: Kind, reference: str) -> ProviderRecord:
        """The object from the shop that has it: the group's, then each legal entity's."""
        *others, last = shops()
        for shop in others:
            try:
                return _fetched(shop, kind, reference)
            except LookupError:  # another shop's
                continue
        return _fetched(last, kind, reference)

    def records_between(self, kind: Kind, start: datetime, end: datetime) -> list[ProviderRecord]:
        """Every shop's, the group's and each legal entity's."""
        return [record for shop in shops() for record in self._shop_records(shop, kind, start, end)]

    def _shop_records(
        self, shop: Shop, kind: Kind, start: datetime, end: datetime
    ) -> list[ProviderRecord]:
        payments, refunds, _receipts = _api(shop)
        objects, parse = (
            (payments, _payment_record) if kind is Kind.CHARGE else (refunds, _refund_record)
        )
        params = {
            "created_at.gte": start.isoformat(),
            "created_at.lt": end.isoformat(),
            "status": "succeeded",
            "limit": LIST_LIMIT,
        }
        records: list[ProviderRecord] = []
        while True:
            with _errors():
                page = dict(objects.list(params))
            records.extend(parse(dict(item)) for item in page.get("items") or [])
            if not page.get("next_cursor"):
                return records
            params = {**params, "cursor": page["next_cursor"]}

    def notification(self, *, body: bytes, headers, client_ip: str) -> Notification | None:
        if not _from_yookassa(client_ip):
            raise NotificationRefused(
                f"{client_ip} is not one of YooKassa's notification addresses.", status=403
            )
        try:
            data = json.loads(body)
            event, obj = data["event"], data["object"]
            if data.get("type") != "notification" or not isinstance(obj, dict):
                raise ValueError("not a notification")
            kind = {"payment": Kind.CHARGE, "refund": Kind.REFUND}.get(event.partition(".")[0])
            if kind is None:
                return None  # payouts, deals: none of ours
            claims = (_payment_record if kind is Kind.CHARGE else _refund_record)(obj)
            if not claims.reference:
                raise ValueError("the object has no id")
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            InvalidOperation,
            RecursionError,
        ) as exc:
            raise NotificationRefused(f"Not a YooKassa notification: {exc}") from exc
        # An object has each event once: the event and the object's id are the event's id.
        return Notification(
            event_id=f"{event}:{claims.reference}",
            event_type=event,
            kind=kind,
            reference=claims.reference,
            ours=claims.ours,
            claims=claims,
        )


def _fetched(shop: Shop, kind: Kind, reference: str) -> ProviderRecord:
    payments, refunds, _receipts = _api(shop)
    with _errors():
        if kind is Kind.CHARGE:
            return _payment_record(dict(payments.find_one(reference)))
        return _refund_record(dict(refunds.find_one(reference)))


def _amount(amount: Decimal, currency: str) -> dict:
    return {"value": f"{amount:.2f}", "currency": currency}


def _receipt(request: ReceiptRequest) -> dict:
    """The receipt's customer, lines and tax system, as a payment, a refund and a receipt of
    its own carry them. YooKassa's own receipts need the e-mail; a phone is E.164's digits."""
    customer = {"email": request.email} if request.email else {"phone": request.phone.lstrip("+")}
    body: dict = {
        "customer": customer,
        "items": [
            {
                "description": line.description[:DESCRIPTION_LIMIT],
                "quantity": line.quantity,
                "amount": _amount(line.price, request.currency),
                "vat_code": line.vat_code,
                "payment_subject": line.payment_subject,
                "payment_mode": line.payment_mode,
            }
            for line in request.lines
        ],
    }
    if request.tax_system_code is not None:
        body["tax_system_code"] = request.tax_system_code
    return body


def _money(obj: dict) -> tuple[Decimal, str]:
    value = Decimal(str(obj["amount"]["value"])).quantize(CENT)
    return value, str(obj["amount"]["currency"]).upper()


def _created_at(obj: dict) -> datetime | None:
    stamp = obj.get("created_at")
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None


def _payment_record(obj: dict) -> ProviderRecord:
    amount, currency = _money(obj)
    confirmation = obj.get("confirmation") or {}
    state = PAYMENT_STATES.get(obj["status"], State.PROCESSING)
    if state is State.REQUIRES_ACTION and not confirmation.get("confirmation_url"):
        state = State.PROCESSING
    reason = (obj.get("cancellation_details") or {}).get("reason", "")
    return ProviderRecord(
        reference=str(obj["id"]),
        state=state,
        ours=str((obj.get("metadata") or {}).get("payment_id", "")),
        amount=amount,
        currency=currency,
        confirmation_url=confirmation.get("confirmation_url", "")
        if state is State.REQUIRES_ACTION
        else "",
        failure_reason=f"YooKassa cancelled the payment: {reason}" if reason else "",
        created_at=_created_at(obj),
        receipt_status=str(obj.get("receipt_registration") or ""),
    )


def _refund_record(obj: dict) -> ProviderRecord:
    amount, currency = _money(obj)
    return ProviderRecord(
        reference=str(obj["id"]),
        state=REFUND_STATES.get(obj["status"], State.PROCESSING),
        ours=str((obj.get("metadata") or {}).get("refund_id", "")),
        amount=amount,
        currency=currency,
        created_at=_created_at(obj),
        receipt_status=str(obj.get("receipt_registration") or ""),
    )


def _from_yookassa(client_ip: str) -> bool:
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.YOOKASSA_NOTIFICATION_NETWORKS
    )


@contextmanager
def _errors(*, declined: bool = False):
    """The SDK's failures as the provider interface names them (`declined`: a refused
    request is a final answer). The SDK reads `.response` off any exception its transport
    raises, so a timeout reaches us as an AttributeError whose context is the timeout."""
    try:
        yield
    except ApiError as exc:  # the SDK raises it from the HTTPError of an answer it read
        if isinstance(exc, NotFoundError):
            raise LookupError(f"YooKassa holds no such object: {exc.content}") from exc
        if isinstance(exc, BadRequestError) and declined:
            raise ChargeDeclined(f"YooKassa refused the request: {_description(exc)}") from exc
        raise ProviderUnavailable(f"YooKassa answered {_description(exc)}") from exc
    except Exception as exc:
        cause = exc if isinstance(exc, requests.RequestException) else exc.__context__
        if isinstance(cause, requests.RequestException):
            raise ProviderUnavailable(f"YooKassa did not answer: {cause}") from exc
        raise


def _description(exc: ApiError) -> str:
    content = exc.content or {}
    return str(content.get("description") or content.get("code") or type(exc).__name__)
