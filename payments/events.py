"""Events the payments domain emits (docs/architecture.md §3.4; docs/events.md). Version 2 of
the payment events names what was paid as a payable (`payable_kind`, `payable_id`,
docs/deal.md, "Payables"); a version-1 event still in an outbox reaches consumers upcast."""

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    DecimalString,
    Money,
    NonEmpty,
    Schema,
    Uuid,
    described,
)
from payments.models import LedgerTransaction, Payable, Payment


def _payable_from_v1(payload: dict) -> dict:
    """A v1 payment payload (`kind`, `order_id` or `registration_id`, `order_paid_*`) as v2."""
    payload = dict(payload)
    kind = payload.pop("kind")
    registration_id = payload.pop("registration_id")
    payload["payable_kind"] = kind
    payload["payable_id"] = registration_id if kind == "registration" else payload["order_id"]
    if "order_paid_amount" in payload:
        payload["payable_paid_amount"] = payload.pop("order_paid_amount")
        payload["payable_paid_version"] = payload.pop("order_paid_version")
    return payload


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
# A payment of a seat or of a service work order belongs to no order; every other payable
# belongs to one.
ORDER_ID_UNLESS_A_SEAT: dict[str, Any] = {
    "if": {
        "properties": {"payable_kind": {"enum": ["registration", "work_order"]}},
        "required": ["payable_kind"],
    },
    "then": {"properties": {"order_id": {"type": "null"}}},
    "else": {"properties": {"order_id": {"type": "string"}}},
}


@dataclass(frozen=True)
class _PaymentPayload:
    """The fields every payment payload below carries, in order."""

    json_schema_extra: ClassVar[dict[str, Any]] = ORDER_ID_UNLESS_A_SEAT
    id: Uuid = described("The payment.")
    payable_kind: Literal["order", "registration", "policy", "work_order"] = described(
        "What the payment settles (a payable): an order, a seat at a paid showroom event, an"
        " insurance policy's premium, or a service work order."
    )
    payable_id: Uuid = described(
        "The payable: the order's, the registration's, the policy's or the work order's id, by"
        " `payable_kind`."
    )
    order_id: Uuid | None = described(
        "The order the payable belongs to: the order itself, or the insured order of a premium;"
        " null for a seat at an event or a work order."
    )
    customer_id: Uuid = described("The paying customer's user account.")
    amount: DecimalString = described(
        "The amount charged: a decimal amount as a string. It is the amount as requested, not "
        "always with two decimals."
    )
    refunded_amount: DecimalString = described(
        'How much of the payment has been refunded: a decimal amount as a string. "0" on a new '
        "payment."
    )
    currency: Currency = described("ISO 4217 code of the payment's currency, e.g. RUB.")
    status: str = described("Each type below declares its own.")


@dataclass(frozen=True)
class PaymentCreated(_PaymentPayload):
    """A customer started a payment for an order or an event seat; it is charged when the
    event is processed."""

    status: Literal["pending"] = described("The payment's status: pending.")
    method: Literal["card", "cash", "bank_transfer"] = described(
        "How the customer pays; a bank transfer waits for the money, paid by an invoice.",
        default="card",
    )


@dataclass(frozen=True)
class _PaymentSettledPayload(_PaymentPayload):
    """The fields every payload of money that moved carries, in order: the payment's (its
    amounts with two decimals), and what its payable has received since."""

    amount: Money = described("The amount charged: a decimal amount as a string.")
    refunded_amount: Money = described(
        "How much of the payment has been refunded: a decimal amount as a string."
    )
    payable_paid_amount: Money = described(
        "What the payable has received after this change, of money that actually moved: its "
        "captured payments net of refunds, and for an order the lender's disbursements net of "
        "returns; a decimal amount as a string."
    )
    payable_paid_version: Annotated[int, Schema(minimum=1)] = described(
        "Version of `payable_paid_amount` for this payable: a consumer keeps the highest it has"
        " seen."
    )


@dataclass(frozen=True)
class PaymentCompleted(_PaymentSettledPayload):
    """A payment was charged successfully."""

    status: Literal["completed"] = described("The payment's status: completed.")


@dataclass(frozen=True)
class PaymentFailed(_PaymentPayload):
    """A payment could not be charged."""

    amount: Money = described("The amount charged: a decimal amount as a string.")
    refunded_amount: Money = described(
        "How much of the payment has been refunded: a decimal amount as a string."
    )
    status: Literal["failed"] = described("The payment's status: failed.")


@dataclass(frozen=True)
class PaymentRefunded(_PaymentSettledPayload):
    """Money of a completed payment was given back, in part or in full."""

    status: Literal["partially_refunded", "refunded"] = described(
        "The payment's status after the refund."
    )
    refund_amount: Money = described("The amount of this refund: a decimal amount as a string.")


@dataclass(frozen=True)
class PaymentRequiresAction(_PaymentPayload):
    """The provider waits for the customer to confirm the payment (3-D Secure, the bank's
    page); the payment's resource in the API has the confirmation URL."""

    status: Literal["requires_action"] = described("The payment's status: requires_action.")


@dataclass(frozen=True)
class _LoanMoneyPayload:
    """The fields every payload of a lender's money against an order carries first."""

    id: Uuid = described("The ledger row.")
    payable_kind: Annotated[Literal["order"], Schema(exactly=True, const="order")] = described(
        "A loan pays an order."
    )
    payable_id: Uuid = described("The order.")
    order_id: Uuid = described("The order (the same as payable_id).")
    loan_application_id: Uuid = described("The loan application whose money moved.")
    customer_id: Uuid = described("The borrower.")


@dataclass(frozen=True)
class PaymentLoanRecorded(_LoanMoneyPayload):
    """The lender's money moved against an order and is in the ledger: a loan disbursed to
    the dealership, or returned to the lender when the order was cancelled (docs/deal.md)."""

    type: Literal["loan_disbursement", "loan_return"] = described(
        "Disbursed by the lender, or returned to it."
    )
    amount: Money = described(
        "Signed, as in the ledger: positive when disbursed, negative when returned; a decimal "
        "amount as a string."
    )
    currency: Currency = described("ISO 4217 code, e.g. RUB.")
    payable_paid_amount: Money = described(
        "What the payable has received after this change, of money that actually moved: its "
        "captured payments net of refunds, and for an order the lender's disbursements net of "
        "returns; a decimal amount as a string."
    )
    payable_paid_version: Annotated[int, Schema(minimum=1)] = described(
        "Version of `payable_paid_amount` for this payable: a consumer keeps the highest it has"
        " seen."
    )


@dataclass(frozen=True)
class PaymentLoanOverpaymentHeld(_LoanMoneyPayload):
    """A lender's disbursement arrived for an order whose other money already covers its
    total: it is held for the lender as an overpayment, never counted as the buyer's, and
    goes back under four eyes (docs/deal.md, "Never paid past the total")."""

    type: Literal["loan_overpayment"] = described("The lender's money held to return.")
    amount: Money = described("What the lender sent: a decimal amount as a string.")
    currency: Currency = described("ISO 4217 code, e.g. RUB.")
    order_total: Money = described("The order's total when the money arrived.")
    payable_paid_amount: Money = described(
        "What the order had received of other money, which this does not change."
    )


@dataclass(frozen=True)
class PaymentDeskRecorded:
    """Money the dealership's own cash desk took for an order, as its accounting (1C)
    reports it, is in the ledger as a `desk_payment` row (docs/1c.md, "Payments")."""

    id: Uuid = described("The ledger row.")
    payable_kind: Annotated[Literal["order"], Schema(exactly=True, const="order")] = described(
        "A desk payment pays an order."
    )
    payable_id: Uuid = described("The order.")
    order_id: Uuid = described("The order (the same as payable_id).")
    customer_id: Uuid = described("The buyer.")
    type: Literal["desk_payment"] = described("Paid at the dealership's cash desk.")
    amount: Money = described("What the desk took: a decimal amount as a string.")
    currency: Currency = described("ISO 4217 code, e.g. RUB.")
    document_number: str = described("The accounting's document of the payment.")
    payable_paid_amount: Money = described(
        "What the order has received after this change; a decimal amount as a string."
    )
    payable_paid_version: Annotated[int, Schema(minimum=1)] = described(
        "Version of `payable_paid_amount` for this payable: a consumer keeps the highest it has"
        " seen."
    )


@dataclass(frozen=True)
class PaymentTradeInRecorded:
    """The buyer's old car, inspected at handover, is credited to the order and is in the
    ledger as a `trade_in_credit` row (docs/tradein.md): not money from a provider."""

    id: Uuid = described("The ledger row.")
    payable_kind: Annotated[Literal["order"], Schema(exactly=True, const="order")] = described(
        "A trade-in is credited to an order."
    )
    payable_id: Uuid = described("The order.")
    order_id: Uuid = described("The order (the same as payable_id).")
    trade_in_id: Uuid = described("The trade-in credited.")
    customer_id: Uuid = described("The buyer.")
    type: Literal["trade_in_credit"] = described("A trade-in's credit.")
    amount: Money = described("The credit: a decimal amount as a string.")
    currency: Currency = described("ISO 4217 code, e.g. RUB.")
    payable_paid_amount: Money = described(
        "What the order has received after this change: its captured payments net of refunds, "
        "the lender's money net of returns and its trade-in's credit; a decimal amount as a "
        "string."
    )
    payable_paid_version: Annotated[int, Schema(minimum=1)] = described(
        "Version of `payable_paid_amount` for this payable: a consumer keeps the highest it has"
        " seen."
    )


@dataclass(frozen=True)
class PaymentProviderNotified:
    """The payment provider notified us about a charge or refund; the notification is
    recorded and is applied after the provider is asked again."""

    id: Uuid = described("The recorded notification.")
    provider: Literal["yookassa", "stripe"] = described("The payment provider that sent it.")
    event_type: NonEmpty = described(
        "The provider's name for what happened, e.g. payment.succeeded."
    )


# EVENT TYPES
# ------------------------------------------------------------------------------
def _payable_event(type: str, payload: type) -> DomainEvent:
    """A payment event at version 2, which names a payable; version 1's payloads upcast."""
    return DomainEvent(
        type,
        payload=payload,
        app_label="payments",
        schema_version=2,
        upcasters={1: _payable_from_v1},
    )


PAYMENT_CREATED = _payable_event("payment.created", PaymentCreated)
PAYMENT_COMPLETED = _payable_event("payment.completed", PaymentCompleted)
PAYMENT_FAILED = _payable_event("payment.failed", PaymentFailed)
PAYMENT_REFUNDED = _payable_event("payment.refunded", PaymentRefunded)
PAYMENT_REQUIRES_ACTION = _payable_event("payment.requires_action", PaymentRequiresAction)
# The lender's money moved against a payable (docs/deal.md, "The loan"): not a payment.
LEDGER_LOAN_RECORDED = DomainEvent(
    "payment.loan_recorded", payload=PaymentLoanRecorded, app_label="payments"
)
# The lender's money that would overpay the order, held for the lender (docs/deal.md).
LEDGER_LOAN_OVERPAYMENT_HELD = DomainEvent(
    "payment.loan_overpayment_held", payload=PaymentLoanOverpaymentHeld, app_label="payments"
)
# A trade-in's credit recorded against its order (docs/tradein.md): not a payment either.
LEDGER_TRADE_IN_RECORDED = DomainEvent(
    "payment.trade_in_recorded", payload=PaymentTradeInRecorded, app_label="payments"
)
LEDGER_DESK_RECORDED = DomainEvent(
    "payment.desk_recorded", payload=PaymentDeskRecorded, app_label="payments"
)
# A notification from the provider, applied off the request that received it.
PROVIDER_NOTIFIED = DomainEvent(
    "payment.provider_notified",
    payload=PaymentProviderNotified,
    app_label="payments",
    internal=True,
)


def _payable_fields(payable_kind: str, payable_id, order_id) -> dict:
    return {
        "payable_kind": payable_kind,
        "payable_id": str(payable_id),
        "order_id": None if order_id is None else str(order_id),
    }


def payment_payload(payment: Payment, payable: Payable) -> dict:
    """`order_id` is the order the payable belongs to: the order itself, or a premium's
    order; null for a seat at an event."""
    return {
        "id": str(payment.pk),
        **_payable_fields(payment.payable_kind, payment.payable_id, payable.order_id),
        "customer_id": str(payment.customer_id),
        "amount": str(payment.amount),
        "refunded_amount": str(payment.refunded_amount),
        "currency": payment.currency,
        "status": payment.status,
    }


def loan_payload(row: LedgerTransaction, payable: Payable) -> dict:
    return {
        "id": str(row.pk),
        **_payable_fields(row.payable_kind, row.payable_id, payable.order_id),
        "loan_application_id": str(row.loan_application_id),
        "customer_id": str(row.customer_id),
        "type": row.type,
        "amount": str(row.amount),
        "currency": row.currency,
    }


def trade_in_credit_payload(row: LedgerTransaction, payable: Payable) -> dict:
    return {
        "id": str(row.pk),
        **_payable_fields(row.payable_kind, row.payable_id, payable.order_id),
        "trade_in_id": str(row.trade_in_id),
        "customer_id": str(row.customer_id),
        "type": row.type,
        "amount": str(row.amount),
        "currency": row.currency,
    }


def desk_payload(row: LedgerTransaction, payable: Payable, document_number: str) -> dict:
    return {
        "id": str(row.pk),
        **_payable_fields(row.payable_kind, row.payable_id, payable.order_id),
        "customer_id": str(row.customer_id),
        "type": row.type,
        "amount": str(row.amount),
        "currency": row.currency,
        "document_number": document_number,
    }
