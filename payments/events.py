"""Events the payments domain emits (docs/architecture.md §3.4)."""

from common.events import DomainEvent
from payments.choices import PayableKind
from payments.models import Payment

PAYMENT_CREATED = DomainEvent("payment.created", app_label="payments")
PAYMENT_COMPLETED = DomainEvent("payment.completed", app_label="payments")
PAYMENT_FAILED = DomainEvent("payment.failed", app_label="payments")
PAYMENT_REFUNDED = DomainEvent("payment.refunded", app_label="payments")
PAYMENT_REQUIRES_ACTION = DomainEvent("payment.requires_action", app_label="payments")
# A notification from the provider, applied off the request that received it.
PROVIDER_NOTIFIED = DomainEvent("payment.provider_notified", app_label="payments", internal=True)


def payment_payload(payment: Payment) -> dict:
    """`kind` says what the payment settles: its `order_id` or its `registration_id`."""
    registration = payment.kind == PayableKind.REGISTRATION
    return {
        "id": str(payment.pk),
        "kind": payment.kind,
        "order_id": None if registration else str(payment.order_id),
        "registration_id": str(payment.order_id) if registration else None,
        "customer_id": str(payment.customer_id),
        "amount": str(payment.amount),
        "refunded_amount": str(payment.refunded_amount),
        "currency": payment.currency,
        "status": payment.status,
    }
