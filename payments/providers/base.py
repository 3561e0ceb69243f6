"""What every payment provider shares: the interface (`PaymentProvider`), the requests and
records that cross it, its errors, and `RemoteProvider`, the real providers' common look-ups
(docs/payments.md). The providers import this module; `payments.providers` re-exports it."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ProviderUnavailable(Exception):
    """A transient failure: worth retrying, and counted by the circuit breaker."""


class ChargeDeclined(Exception):
    """A final answer: the charge will not happen."""


class NotificationRefused(Exception):
    """An inbound notification that cannot be authenticated or read; `http_status` is the answer."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.http_status = status


class State(StrEnum):
    """Where a charge or refund stands at the provider."""

    SUCCEEDED = "succeeded"
    REQUIRES_ACTION = "requires_action"  # the customer must confirm, at `confirmation_url`
    PROCESSING = "processing"  # the provider is deciding; nothing for us to do but wait
    FAILED = "failed"


class Kind(StrEnum):
    CHARGE = "charge"
    REFUND = "refund"


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a fiscal receipt (54-FZ): `price` is per unit, in the main unit; the
    codes are the ones the provider's API takes (docs/payments.md, "Fiscal receipts")."""

    description: str
    quantity: int
    price: Decimal
    vat_code: int
    payment_subject: str  # commodity, service, payment
    payment_mode: str  # full_prepayment, partial_prepayment, full_payment


@dataclass(frozen=True)
class ReceiptRequest:
    """A fiscal receipt as the provider is asked to register it: with a charge or a refund,
    or on its own (`charge_reference` set) for the settlement that closes earlier
    prepayments (`prepaid`) when the goods are handed over."""

    receipt_id: str
    kind: str  # payment or refund: the direction of the money
    email: str
    phone: str
    lines: tuple[ReceiptLine, ...]
    currency: str
    tax_system_code: int | None = None
    # The legal entity that issues it: a provider that registers receipts for several (a
    # cash register per legal entity) files it under this INN.
    seller_inn: str = ""
    charge_reference: str = ""
    prepaid: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class ChargeRequest:
    payment_id: str
    amount: Decimal
    currency: str
    description: str
    return_url: str  # where the provider sends the customer back after confirming
    receipt: ReceiptRequest | None = None  # None: the provider issues no fiscal receipts


@dataclass(frozen=True)
class RefundRequest:
    refund_id: str
    charge_reference: str
    amount: Decimal
    currency: str
    receipt: ReceiptRequest | None = None


@dataclass(frozen=True)
class ProviderRecord:
    """A charge or refund as the provider holds it. `ours` is our payment or refund id as
    the provider keeps it (in its metadata); `amount` is in the currency's main unit."""

    reference: str
    state: State = State.SUCCEEDED
    ours: str = ""
    amount: Decimal | None = None
    currency: str = ""
    confirmation_url: str = ""
    failure_reason: str = ""
    created_at: datetime | None = None
    # Where the registration of its fiscal receipt stands: pending, succeeded or canceled
    # ("" when the provider says nothing of one).
    receipt_status: str = ""


@dataclass(frozen=True)
class Notification:
    """An authenticated notification. `event_id` is unique per provider (the inbox key);
    `claims` is what the body says about the object, when the body alone is not trusted
    and must agree with the object fetched again."""

    event_id: str
    event_type: str
    kind: Kind
    reference: str
    ours: str = ""
    claims: ProviderRecord | None = None


class PaymentProvider(Protocol):
    name: str
    # Whether it registers fiscal receipts (54-FZ): charges and refunds then carry theirs.
    fiscal: bool

    def charge(self, request: ChargeRequest) -> ProviderRecord:
        """Charge once per `request.payment_id`, however often it is called; a declined
        charge raises ChargeDeclined."""

    def charge_lookup(self, request: ChargeRequest, reference: str) -> ProviderRecord | None:
        """The charge the provider holds for the payment, or None if it took none."""

    def refund(self, request: RefundRequest) -> ProviderRecord:
        """Refund once per `request.refund_id`, however often it is called."""

    def refund_lookup(self, request: RefundRequest, reference: str) -> ProviderRecord | None:
        """The refund the provider holds for the refund, or None if it made none."""

    def fetch(self, kind: Kind, reference: str) -> ProviderRecord:
        """The charge or refund the provider holds under `reference`, asked afresh."""

    def receipt(self, request: ReceiptRequest) -> ProviderRecord:
        """Register a receipt of its own (a settlement), once per `request.receipt_id`: the
        record's `reference` is the receipt's id there, `receipt_status` its state."""

    def records_between(self, kind: Kind, start: datetime, end: datetime) -> list[ProviderRecord]:
        """Every successful charge or refund the provider made in [start, end)."""

    def notification(self, *, body: bytes, headers, client_ip: str) -> Notification | None:
        """Authenticate and read an inbound notification: None for one of no interest, and
        NotificationRefused for one that is not the provider's or cannot be read."""


class RemoteProvider(ABC):
    """What the real providers share: a look-up asks for the object by its reference (one
    the provider does not know is one it holds nothing under), or, when the answer to the
    create was lost and the reference with it, repeats the create with the same idempotency
    key. The provider keeps a key for at least 24 hours, and a payment is settled long
    before that (the pending sweep, docs/operations.md). Each provider makes the calls
    themselves (`PaymentProvider`)."""

    @abstractmethod
    def charge(self, request: ChargeRequest) -> ProviderRecord: ...

    @abstractmethod
    def refund(self, request: RefundRequest) -> ProviderRecord: ...

    @abstractmethod
    def fetch(self, kind: Kind, reference: str) -> ProviderRecord: ...

    def charge_lookup(self, request: ChargeRequest, reference: str) -> ProviderRecord | None:
        if reference:
            return self._fetch_known(Kind.CHARGE, reference)
        try:
            return self.charge(request)
        except ChargeDeclined as exc:
            return ProviderRecord(
                reference="", state=State.FAILED, ours=request.payment_id, failure_reason=str(exc)
            )

    def refund_lookup(self, request: RefundRequest, reference: str) -> ProviderRecord | None:
        if reference:
            return self._fetch_known(Kind.REFUND, reference)
        return self.refund(request)

    @staticmethod
    def _created(record: ProviderRecord) -> ProviderRecord:
        """A charge the provider refused as it was created is a declined one."""
        if record.state is State.FAILED:
            raise ChargeDeclined(record.failure_reason)
        return record

    def _fetch_known(self, kind: Kind, reference: str) -> ProviderRecord | None:
        try:
            return self.fetch(kind, reference)
        except LookupError:
            return None
