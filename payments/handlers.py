"""The payments domain's reactions to other domains' events."""

from common.events import Event, consumer
from payments import services


@consumer("order.cancelled", name="payments.settle_cancelled_order", app_label="payments")
def settle_cancelled_order(event: Event) -> None:
    services.order_payments_settle_cancelled(order_id=event.aggregate_id)
