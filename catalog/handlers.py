"""The catalog's reactions to other domains' events."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from catalog import services
from common.events import TypedEvent, consumer

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from orders.events import OrderCancelled


@consumer("order.cancelled", name="catalog.release_stock_of_cancelled_order", app_label="catalog")
def release_stock_of_cancelled_order(event: TypedEvent[OrderCancelled]) -> None:
    services.stock_release(order_id=UUID(event.aggregate_id))
