"""The financing domain's reactions to other domains' events."""

from decimal import Decimal

from common.events import Event, consumer
from financing import services


@consumer("order.cancelled", name="financing.withdraw_on_order_cancelled", app_label="financing")
def withdraw_on_order_cancelled(event: Event) -> None:
    services.order_applications_withdraw(order_id=event.aggregate_id)


@consumer("payment.completed", name="financing.note_paid_on_payment", app_label="financing")
@consumer("payment.refunded", name="financing.note_paid_on_refund", app_label="financing")
def note_order_paid(event: Event) -> None:
    """The down payment is in when what the order received covers it (docs/deal.md)."""
    report = event.payload
    if report["payable_kind"] != "order":
        return
    services.order_paid_note(
        order_id=report["payable_id"],
        paid_amount=Decimal(report["payable_paid_amount"]),
        version=report["payable_paid_version"],
    )
