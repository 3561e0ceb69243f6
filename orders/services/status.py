"""An order's status and its one door, `order_status_set`; what every change of an order
shares (`_changed`, `_history`); and payments' captured amount, which moves the status."""

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_noop

from common.api.exceptions import NotFound
from common.showrooms import may_see
from common.types import Actor as Viewer
from common.types import Id
from orders import cache, events, realtime
from orders.choices import ORDER_TRANSITIONS, Actor, OrderStatus
from orders.models import Order, OrderLink, OrderStatusHistory

DB = "orders"
PUSH_UPDATED = "order.updated"
# The history's name for a status the dealership's accounting (1C) reported.
ACCOUNTING_ROLE = "1c"  # a live push for a change that is not an event of its own


def _changed(order: Order, event: str, link: OrderLink | None = None) -> None:
    """Every change of an order: a new sequence number, and on commit the cache dropped and
    the order pushed to its live subscribers. Call it once the order's fields are final."""
    order.sequence += 1
    cache.detail_invalidate_after_commit(order.pk)
    realtime.order_push_after_commit(order, event, link)


def _history(
    order: Order, *, from_status: str, user: Viewer | None, actor: str, reason: str = ""
) -> OrderStatusHistory:
    """The history row of the status `order` has just taken; the caller stores it."""
    return OrderStatusHistory(
        order=order,
        from_status=from_status,
        to_status=order.status,
        changed_by_id=getattr(user, "pk", None),
        changed_by_role=getattr(user, "role", None) or actor,
        reason=reason,
    )


# STATUS
# ------------------------------------------------------------------------------
def _actor(order: Order, user: Viewer | None) -> str:
    """Who moves the order: the system, its showroom's staff, its customer; "" for anyone
    else, to whom it is a 404 (common.showrooms)."""
    if user is None:
        return Actor.SYSTEM
    if not may_see(user, owner_id=order.customer_id, showroom_id=order.showroom_id):
        return ""
    return Actor.STAFF if user.is_staff else Actor.CUSTOMER


def order_status_set(
    *,
    order_id: uuid.UUID,
    status: str,
    user: Viewer | None = None,
    reason: str = "",
    by_accounting: bool = False,
) -> Order:
    """Move an order along its lifecycle. `user` is None when the system acts (payments).
    Another customer's order is a 404, exactly like a missing one. `by_accounting`: the
    dealership's accounting (1C) reports the status, and moves it as staff may (docs/1c.md,
    "Orders")."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound
        actor: str = Actor.STAFF if by_accounting else _actor(order, user)
        if actor == "":
            raise NotFound
        from_status = ORDER_TRANSITIONS.apply(order, status, actor=actor)
        _changed(order, events.ORDER_STATUS_CHANGED.type)
        order.save(using=DB, update_fields=["status", "sequence", "updated_at"])
        history = _history(order, from_status=from_status, user=user, actor=actor, reason=reason)
        if by_accounting:
            history.changed_by_role = ACCOUNTING_ROLE
        history.save(using=DB)
        payload = events.order_payload(order, from_status=from_status, reason=reason)
        events.ORDER_STATUS_CHANGED.emit(aggregate_id=order.pk, payload=payload)
        if status == OrderStatus.CANCELLED:
            events.ORDER_CANCELLED.emit(aggregate_id=order.pk, payload=payload)
    return order


# PAYMENT
# ------------------------------------------------------------------------------
def order_paid_amount_set(*, order_id: Id, paid_amount: Decimal, version: int) -> Order:
    """Record what payments has captured for the order, as of payments' `version` of that
    figure (an older version changes nothing); once it covers the total, a pending order
    becomes `paid` through the one status door, and a paid one that money went back from
    owes again (`pending`), or is cancelled when all of it went back."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().get(pk=order_id)
        if version <= order.paid_version:
            return order
        order.paid_version = version
        if order.paid_amount != paid_amount:
            order.paid_amount = paid_amount
            _changed(order, PUSH_UPDATED)
        order.save(
            using=DB, update_fields=["paid_amount", "paid_version", "sequence", "updated_at"]
        )
        if order.status == OrderStatus.PENDING and paid_amount >= order.total_amount:
            order = order_status_set(
                order_id=order.pk, status=OrderStatus.PAID, reason=gettext_noop("Paid in full")
            )
        elif order.status in PAID_UNTIL_REFUNDED and paid_amount < order.total_amount:
            order = order_status_set(
                order_id=order.pk,
                status=OrderStatus.CANCELLED if paid_amount <= 0 else OrderStatus.PENDING,
                reason=gettext_noop("Refunded in full")
                if paid_amount <= 0
                else gettext_noop("Refunded below its total"),
            )
    return order


# What a refund takes back: the order is no longer paid for (a completed one stays so).
PAID_UNTIL_REFUNDED = (OrderStatus.PAID, OrderStatus.PROCESSING)
