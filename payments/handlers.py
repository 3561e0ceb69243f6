"""The payments domain's reactions to other domains' events."""

from decimal import Decimal

from django.db import transaction

from common.events import Event, consumer
from payments import services
from payments.services import notifications


@consumer("order.cancelled", name="payments.settle_cancelled_order", app_label="payments")
def settle_cancelled_order(event: Event) -> None:
    services.order_payments_settle_cancelled(
        order_id=event.aggregate_id,
        customer_id=event.payload["customer_id"],
        total_amount=Decimal(event.payload["total_amount"]),
        currency=event.payload["currency"],
    )


@consumer("payment.created", name="payments.process_created_payment", app_label="payments")
def process_created_payment(event: Event) -> None:
    """Processing starts from the payment's own outbox row: the charge is a network call,
    so it runs in a task after this delivery commits (and the sweep picks up a payment whose
    task was lost)."""
    payment_id = event.aggregate_id
    transaction.on_commit(
        lambda: services.payment_process_enqueue(payment_id), using="payments", robust=True
    )


@consumer(
    "payment.provider_notified", name="payments.apply_provider_notification", app_label="payments"
)
def apply_provider_notification(event: Event) -> None:
    """The provider is asked about the notified object in a task, after this commits."""
    notification_id = event.aggregate_id
    transaction.on_commit(
        lambda: notifications.provider_notification_enqueue(notification_id),
        using="payments",
        robust=True,
    )


@consumer("event.registration.created", name="payments.note_new_registration", app_label="payments")
@consumer(
    "event.registration.status_changed",
    name="payments.note_registration_status",
    app_label="payments",
)
@consumer(
    "event.registration.cancelled",
    name="payments.settle_cancelled_registration",
    app_label="payments",
)
def note_registration(event: Event) -> None:
    """A seat at a paid event is paid like an order: payments learns of it from the
    showroom's events, never by reading the showroom."""
    report = event.payload
    services.registration_payable_note(
        registration_id=report["id"],
        customer_id=report["user_id"],
        status=report["status"],
        amount=report["amount"],
        currency=report["currency"],
    )
