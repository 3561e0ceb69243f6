"""What the live order feed sends (docs/architecture.md §3.5): who receives an order's
pushes, and the message. Every push carries the order's sequence number, so a client can
notice a gap, and the status in the buyer's words in every language (`orders.wording`), so
that no page maps a status to words of its own (docs/storefront.md, "Buying")."""

from django.db import transaction

from common.realtime import FEED_PUSH, group_send, group_send_after_commit
from common.showrooms import showroom_scope
from orders.choices import STAFF_GROUP, STAFF_NOTICES_GROUP
from orders.models import Order, OrderLink
from orders.wording import order_status_texts

DB = "orders"
PUSH = FEED_PUSH  # the consumer method that forwards a push: `order_push`


def order_group(order_id) -> str:
    return f"orders.order.{order_id}"


def customer_group(customer_id) -> str:
    return f"orders.customer.{customer_id}"


def showroom_group(showroom_id) -> str:
    """A showroom's staff: its orders' pushes, and no other's (common.showrooms)."""
    return f"orders.showroom.{showroom_id}"


def staff_groups(user) -> list[str]:
    """The groups a member of staff's feed joins: every order's for the group's staff, their
    showrooms' orders' for a showroom's, and the notices for all."""
    scope = showroom_scope(user)
    orders = [STAFF_GROUP] if scope is None else [showroom_group(pk) for pk in scope]
    return [*orders, STAFF_NOTICES_GROUP]


def order_live(order: Order) -> dict:
    """The order as the feed shows it; the REST resource has the rest. The status's words
    read its lines and links, loaded or read once."""
    return {
        "id": str(order.pk),
        "customer_id": str(order.customer_id),
        "customer_email": order.customer_email,
        "customer_name": order.customer_name,  # what the staff dashboard shows
        "status": order.status,
        # {"en": ..., "ru": ...}: what the buyer's page shows, in its language.
        "status_text": order_status_texts(order),
        "sequence": order.sequence,
        "total_quantity": order.total_quantity,
        "total_amount": str(order.total_amount),
        "paid_amount": str(order.paid_amount),
        "currency": order.currency,
        "created_at": order.created_at.isoformat(),
        "updated_at": order.updated_at.isoformat(),
    }


def link_live(link: OrderLink) -> dict:
    return {
        "kind": link.kind,
        "reference_id": str(link.reference_id),
        "status": link.status,
        "amount": None if link.amount is None else str(link.amount),
        "currency": link.currency,
    }


def _groups(order: Order) -> list[str]:
    groups = [order_group(order.pk), customer_group(order.customer_id), STAFF_GROUP]
    if order.showroom_id is not None:
        groups.append(showroom_group(order.showroom_id))
    return groups


def _message(order: Order, event: str, link: OrderLink | None = None) -> dict:
    """A channel-layer message; `push` is what the client receives."""
    push = {"type": event, "sequence": order.sequence, "order": order_live(order)}
    if link is not None:
        push["link"] = link_live(link)
    return {"type": PUSH, "push": push}


def order_push_after_commit(order: Order, event: str, link: OrderLink | None = None) -> None:
    """Push the order, as this transaction leaves it, to its subscribers once it commits.
    The status's words read its lines and links (a new order's are set): they are read here,
    inside the transaction, so that the message built after the commit reads no database."""
    _loaded = (order.line_items, order.link_items)
    group_send_after_commit(_groups(order), lambda: _message(order, event, link), using=DB)


def orders_push_after_commit(order_ids: list, event: str) -> None:
    """Push orders changed in bulk, read back once the transaction commits."""

    def send():
        orders = Order.objects.using(DB).filter(pk__in=order_ids)
        for order in orders.prefetch_related("items", "links"):
            group_send(_groups(order), _message(order, event))

    transaction.on_commit(send, using=DB)
