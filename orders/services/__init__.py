"""Writes of the orders domain. `order_status_set` is the only code that changes a status
(docs/state-machines.md). An order's creation, the hot path of docs/conventions.md, "Hot
paths", and an admin's deletion in `creation.py`; its status, what every change shares, and
payments' captured amount in `status.py`; an item's quantity and the credit discount in
`items.py`; what other
domains report (the customer's data, links, unreserved stock) in `links.py`; the clocks of
unpaid orders (docs/operations.md, "Unpaid orders") in `expiry.py`."""

from orders.services.creation import OrderedItem, order_create, order_delete
from orders.services.expiry import orders_unpaid_expire
from orders.services.items import (
    order_credit_discount_return,
    order_credit_discount_set,
    order_item_quantity_set,
)
from orders.services.links import (
    order_customer_refresh,
    order_customer_scrub,
    order_link_note,
    order_reservations_sweep,
)
from orders.services.status import order_paid_amount_set, order_status_set

__all__ = [
    "OrderedItem",
    "order_create",
    "order_credit_discount_return",
    "order_credit_discount_set",
    "order_customer_refresh",
    "order_customer_scrub",
    "order_delete",
    "order_item_quantity_set",
    "order_link_note",
    "order_paid_amount_set",
    "order_reservations_sweep",
    "order_status_set",
    "orders_unpaid_expire",
]
