"""The trade-in domain's reactions to other domains' events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from common.events import TypedEvent, consumer
from common.queueing import task_queue

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from orders.events import OrderStatusChanged


@consumer("order.status_changed", name="tradein.stock_of_handed_over_order", app_label="tradein")
def stock_of_handed_over_order(event: TypedEvent[OrderStatusChanged]) -> None:
    """Completed, the new car handed over: the inspected old car enters the catalog, in a
    task (it writes the catalog's database and copies the photos)."""
    if event.payload.status == "completed":
        order_id = event.payload.id
        transaction.on_commit(
            lambda: task_queue("tradein.tasks.trade_ins_stock_task", order_id),
            using="tradein",
            robust=True,
        )
