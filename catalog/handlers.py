"""The catalog's reactions to other domains' events."""

from uuid import UUID

from catalog import services
from common.events import Event, consumer


@consumer("order.cancelled", name="catalog.release_stock_of_cancelled_order", app_label="catalog")
def release_stock_of_cancelled_order(event: Event) -> None:
    services.stock_release(order_id=UUID(event.aggregate_id))
