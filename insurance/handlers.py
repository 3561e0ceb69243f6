"""The insurance domain's reactions to other domains' events."""

from common.events import Event, consumer
from insurance import services


@consumer(
    "order.cancelled", name="insurance.cancel_quotes_of_cancelled_order", app_label="insurance"
)
def cancel_quotes_of_cancelled_order(event: Event) -> None:
    services.order_quotes_cancel(order_id=event.aggregate_id)
