"""The trade-in domain's reactions to other domains' events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.choices import ConsentPurpose
from common.events import TypedEvent, consumer
from common.queueing import task_queue
from tradein import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from accounts.events import ConsentWithdrawn
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


@consumer("consent.withdrawn", name="tradein.stop_for_withdrawn_consent", app_label="tradein")
def stop_for_withdrawn_consent(event: TypedEvent[ConsentWithdrawn]) -> None:
    """A withdrawn consent to the appraisal, or the account's own: the person's trade-ins
    not yet inspected are withdrawn (docs/storefront.md, "Personal data"). One inspected is
    a purchase the law on accounting keeps."""
    if event.payload.purpose in (ConsentPurpose.TRADE_IN, ConsentPurpose.ACCOUNT):
        services.trade_ins_withdraw_open(customer_id=event.payload.user_id)
