"""The payments domain's reactions to other domains' events."""

from decimal import Decimal

from common.events import Event, consumer
from payments import services


@consumer("order.cancelled", name="payments.settle_cancelled_order", app_label="payments")
def settle_cancelled_order(event: Event) -> None:
    services.order_payments_settle_cancelled(
        order_id=event.aggregate_id,
        customer_id=event.payload["customer_id"],
        total_amount=Decimal(event.payload["total_amount"]),
        currency=event.payload["currency"],
    )
