"""Events the payments domain emits (docs/architecture.md §3.4; docs/events.md). Version 2 of
the payment events names what was paid as a payable (`payable_kind`, `payable_id`,
docs/deal.md, "Payables"); a version-1 event still in an outbox reaches consumers upcast."""

from common.events import DomainEvent
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


PAYABLE = {"app_label": "payments", "schema_version": 2, "upcasters": {1: _payable_from_v1}}
PAYMENT_CREATED = DomainEvent("payment.created", **PAYABLE)
PAYMENT_COMPLETED = DomainEvent("payment.completed", **PAYABLE)
PAYMENT_FAILED = DomainEvent("payment.failed", **PAYABLE)
PAYMENT_REFUNDED = DomainEvent("payment.refunded", **PAYABLE)
PAYMENT_REQUIRES_ACTION = DomainEvent("payment.requires_action", **PAYABLE)
# The lender's money moved against a payable (docs/deal.md, "The loan"): not a payment.
LEDGER_LOAN_RECORDED = DomainEvent("payment.loan_recorded", app_label="payments")
# A notification from the provider, applied off the request that received it.
PROVIDER_NOTIFIED = DomainEvent("payment.provider_notified", app_label="payments", internal=True)


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
