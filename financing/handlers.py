"""The financing domain's reactions to other domains' events."""

from common.events import Event, consumer
from financing import services


@consumer("order.cancelled", name="financing.withdraw_on_order_cancelled", app_label="financing")
def withdraw_on_order_cancelled(event: Event) -> None:
    services.order_applications_withdraw(order_id=event.aggregate_id)
