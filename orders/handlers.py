"""The orders domain's reactions to other domains' events."""

from decimal import Decimal

from django.utils.dateparse import parse_datetime

from common.events import Event, consumer
from orders import services
from orders.choices import LinkKind


@consumer("user.updated", name="orders.refresh_customer_snapshot", app_label="orders")
def refresh_customer_snapshot(event: Event) -> None:
    services.order_customer_refresh(
        customer_id=event.aggregate_id,
        email=event.payload["email"],
        full_name=event.payload["full_name"],
        as_of=parse_datetime(event.payload["updated_at"]),
    )


@consumer("user.deleted", name="orders.scrub_deleted_customer", app_label="orders")
def scrub_deleted_customer(event: Event) -> None:
    services.order_customer_scrub(customer_id=event.aggregate_id)


@consumer("payment.completed", name="orders.paid_amount_on_payment_completed", app_label="orders")
@consumer("payment.refunded", name="orders.paid_amount_on_payment_refunded", app_label="orders")
def paid_amount_from_payments(event: Event) -> None:
    """Payments is the source of truth for money: its event reports what the order has
    captured, net of refunds, and the version of that figure."""
    if not event.payload.get("order_id"):
        return  # a payment for something else (a showroom registration)
    services.order_paid_amount_set(
        order_id=event.payload["order_id"],
        paid_amount=Decimal(event.payload["order_paid_amount"]),
        version=event.payload["order_paid_version"],
    )


# What other domains report about an order: noted as a link, pushed to the live feed. Every
# such event's payload carries id, order_id, status, amount and currency.
LINKED_EVENTS = {
    "payment.created": LinkKind.PAYMENT,
    "payment.requires_action": LinkKind.PAYMENT,
    "payment.completed": LinkKind.PAYMENT,
    "payment.failed": LinkKind.PAYMENT,
    "payment.refunded": LinkKind.PAYMENT,
    "financing.submitted": LinkKind.LOAN_APPLICATION,
    "financing.approved": LinkKind.LOAN_APPLICATION,
    "financing.rejected": LinkKind.LOAN_APPLICATION,
    "financing.withdrawn": LinkKind.LOAN_APPLICATION,
    "insurance.quoted": LinkKind.INSURANCE_QUOTE,
    "insurance.quote_cancelled": LinkKind.INSURANCE_QUOTE,
    "insurance.purchased": LinkKind.INSURANCE_POLICY,
    "insurance.cancelled": LinkKind.INSURANCE_POLICY,
    "insurance.claim_filed": LinkKind.INSURANCE_CLAIM,
    "insurance.claim_decided": LinkKind.INSURANCE_CLAIM,
}


def note_link(event: Event) -> None:
    report = event.payload
    if not report.get("order_id"):
        return  # reported about something else (a payment of a showroom registration)
    notes = [(LINKED_EVENTS[event.type], report["id"], report["status"], report.get("amount"))]
    if event.type == "insurance.purchased":  # the policy's event is also its quote's end
        notes.append((LinkKind.INSURANCE_QUOTE, report["quote_id"], "purchased", report["amount"]))
    for kind, reference_id, status, amount in notes:
        services.order_link_note(
            order_id=report["order_id"],
            kind=kind,
            reference_id=reference_id,
            status=status,
            amount=None if amount is None else Decimal(amount),
            currency=report.get("currency", ""),
            reported_at=event.occurred,
            event=event.type,
        )


for _event_type in LINKED_EVENTS:
    consumer(_event_type, name=f"orders.note_{_event_type.replace('.', '_')}", app_label="orders")(
        note_link
    )
