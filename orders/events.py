"""Events the orders domain emits (docs/architecture.md §3.4)."""

from common.events import DomainEvent
from orders.models import Order

ORDER_CREATED = DomainEvent("order.created", app_label="orders")
ORDER_STATUS_CHANGED = DomainEvent("order.status_changed", app_label="orders")
ORDER_CANCELLED = DomainEvent("order.cancelled", app_label="orders")


def order_payload(order: Order, **extra) -> dict:
    return {
        "id": str(order.pk),
        "customer_id": str(order.customer_id),
        "status": order.status,
        "sequence": order.sequence,
        "total_amount": str(order.total_amount),
        "paid_amount": str(order.paid_amount),
        "currency": order.currency,
        **extra,
    }
