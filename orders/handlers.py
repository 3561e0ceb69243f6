"""The orders domain's reactions to other domains' events."""

from decimal import Decimal

from django.utils.dateparse import parse_datetime

from common.events import Event, consumer
from orders import services
from orders.choices import LinkKind
from payments import selectors as payments_selectors


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
def recompute_paid_amount(event: Event) -> None:
    """Payments is the source of truth for money: ask it what the order has captured."""
    order_id = event.payload["order_id"]
    services.order_paid_amount_set(
        order_id=order_id, paid_amount=payments_selectors.order_paid_amount(order_id=order_id)
    )


@consumer("payment.created", name="orders.note_payment_created", app_label="orders")
@consumer("payment.completed", name="orders.note_payment_completed", app_label="orders")
@consumer("payment.failed", name="orders.note_payment_failed", app_label="orders")
@consumer("payment.refunded", name="orders.note_payment_refunded", app_label="orders")
def note_payment(event: Event) -> None:
    payment = event.payload
    services.order_link_note(
        order_id=payment["order_id"],
        kind=LinkKind.PAYMENT,
        reference_id=payment["id"],
        status=payment["status"],
        amount=Decimal(payment["amount"]),
        currency=payment["currency"],
        reported_at=event.occurred,
        event=event.type,
    )
