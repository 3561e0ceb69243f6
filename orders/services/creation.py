"""An order's creation from catalog prices, its stock reserved (the hot path), within the
customer's limit of unpaid vehicles; and an admin's deletion of a pending or cancelled one."""

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import services as catalog_services
from common.api import idempotency
from common.api.exceptions import ApplicationError, email_not_verified
from common.db.numbers import number_take
from common.db.transactions import turn_take
from orders import cache, events, realtime
from orders.choices import UTM_FIELDS, Actor, OrderStatus, referrer_origin, source_of
from orders.error_codes import OrderErrorCode
from orders.models import Order, OrderIdempotencyKey, OrderItem
from orders.services.status import _history
from orders.types import Customer

DB = "orders"


# CREATE
# ------------------------------------------------------------------------------
class OrderedItem(TypedDict):
    """One item of a new order: a product and how many of it."""

    product_id: uuid.UUID
    quantity: int


def order_create(
    *,
    customer: Customer,
    items: Iterable[OrderedItem],
    notes: str = "",
    idempotency_key: str | None = None,
    attribution: Mapping[str, str] | None = None,
) -> tuple[Order, bool]:
    """Create an order from catalog prices, reserving its stock. Returns (order, created):
    a repeated `idempotency_key` with the same request returns the first order.
    `attribution` is the visit's UTM tags and referrer: the order's source.

    Saga: the reservation commits in the catalog first; if anything fails before the order
    commits, the reservation is released again. A crash in between is cleaned up by the
    reservation sweep."""
    quantities: dict[uuid.UUID, int] = {}
    for item in items:
        quantities[item["product_id"]] = quantities.get(item["product_id"], 0) + item["quantity"]
    order_id = uuid.uuid4()
    created_order: Order | None = None

    def create() -> uuid.UUID:
        nonlocal created_order
        lines = catalog_services.stock_reserve(order_id=order_id, items=quantities)
        created_order = _order_insert(order_id, customer, lines, notes, attribution or {})
        return order_id

    try:
        resource_id, created = idempotency.run_once(
            model=OrderIdempotencyKey,
            using=DB,
            owner_id=customer.pk,
            key=idempotency_key,
            request={
                "items": sorted((str(pk), qty) for pk, qty in quantities.items()),
                "notes": notes,
            },
            create=create,
        )
    except BaseException:
        catalog_services.stock_release(order_id=order_id)  # nothing when nothing was reserved
        raise
    if created:
        assert created_order is not None  # `create` ran, and returned
        return created_order, True
    if resource_id is None:  # the key went with its order (`order_delete`) as it was replayed
        raise Order.DoesNotExist
    return Order.objects.using(DB).get(pk=resource_id), False


def _attribution_kept(attribution: Mapping[str, str]) -> dict[str, str]:
    """The tags as they came, 300 characters each, and the referrer's scheme and host only
    (`referrer_origin`: no path, no query, nothing that is not a host name)."""
    kept = {name: str(attribution[name])[:300] for name in UTM_FIELDS if attribution.get(name)}
    if referrer := referrer_origin(str(attribution.get("referrer") or "")):
        kept["referrer"] = referrer
    return kept


def _order_insert(
    order_id: uuid.UUID,
    customer: Customer,
    lines: list[catalog_services.ReservedLine],
    notes: str,
    attribution: Mapping[str, str],
) -> Order:
    currencies = {line.currency for line in lines}
    if len(currencies) != 1:
        raise ApplicationError(
            _("All products of one order must be priced in the same currency."),
            code=OrderErrorCode.CURRENCY_MISMATCH,
            status=400,
        )
    # Vehicles are limited per customer, at the cost of two statements more (a lock and a
    # count); an order of accessories goes on in one round trip.
    if vehicles := sum(line.quantity for line in lines if line.is_vehicle):
        if not customer.email_verified:
            raise email_not_verified(_("holding a vehicle"))
        _unpaid_vehicles_check(customer.pk, vehicles)
    order = Order(
        id=order_id,
        number=number_take(Order._meta.get_field("number"), using=DB),
        customer_id=customer.pk,
        customer_email=customer.email,
        customer_name=customer.full_name,
        currency=currencies.pop(),
        showroom_id=next((line.showroom_id for line in lines if line.is_vehicle), None),
        notes=notes,
        source=source_of(attribution),
        attribution=_attribution_kept(attribution),
        total_quantity=sum(line.quantity for line in lines),
        total_amount=sum((line.unit_price * line.quantity for line in lines), Decimal("0.00")),
    )
    order.line_items = [
        OrderItem(
            order=order,
            product_id=line.product_id,
            product_name=line.product_name,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.unit_price * line.quantity,
            is_vehicle=line.is_vehicle,
        )
        for line in lines
    ]
    order.link_items = []
    history = _history(order, from_status="", user=customer, actor=Actor.CUSTOMER)
    realtime.order_push_after_commit(order, events.ORDER_CREATED.type)
    # The order's rows and its event in one round trip: the hot path of docs/api.md,
    # "Responses".
    events.ORDER_CREATED.emit(
        aggregate_id=order.pk,
        payload=events.order_payload(
            order,
            items=[
                {"product_id": str(line.product_id), "quantity": line.quantity} for line in lines
            ],
            showroom_id=str(order.showroom_id) if order.showroom_id else None,
            source=order.source,
        ),
        rows=[order, *order.line_items, history],
    )
    return order


def _unpaid_vehicles_check(customer_id: uuid.UUID, ordered: int) -> None:
    """Refuse an order that would leave the customer holding more than
    ORDERS_MAX_UNPAID_VEHICLES vehicle units on pending orders. It runs in the transaction
    that inserts the order: a lock per customer, held until that transaction ends, makes the
    customer's concurrent orders wait here and then count this one. Orders without a vehicle
    take no lock."""
    turn_take(f"orders.unpaid_vehicles:{customer_id}", using=DB)
    held = (
        OrderItem.objects.using(DB)
        .filter(order__customer_id=customer_id, order__status=OrderStatus.PENDING, is_vehicle=True)
        .aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    limit = settings.ORDERS_MAX_UNPAID_VEHICLES
    if held + ordered > limit:
        raise ApplicationError(
            ngettext(
                "At most %(limit)s vehicle can be held on unpaid orders, and this order would "
                "make %(count)s: pay for or cancel an order first.",
                "At most %(limit)s vehicles can be held on unpaid orders, and this order would "
                "make %(count)s: pay for or cancel an order first.",
                limit,
            )
            % {"limit": limit, "count": held + ordered},
            code=OrderErrorCode.UNPAID_VEHICLE_LIMIT,
            status=409,
            details={"limit": limit, "held": held, "ordered": ordered},
        )


# DELETE
# ------------------------------------------------------------------------------
DELETABLE = (OrderStatus.PENDING, OrderStatus.CANCELLED)


def order_delete(*, order_id: uuid.UUID) -> None:
    """Admins remove pending or cancelled orders; stock still held is released."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().get(pk=order_id)
        if order.status not in DELETABLE:
            raise ApplicationError(
                _("Only pending or cancelled orders can be deleted."),
                code=OrderErrorCode.ORDER_NOT_DELETABLE,
                status=409,
            )
        order.delete(using=DB)
        OrderIdempotencyKey.objects.using(DB).filter(resource_id=order_id).delete()
        cache.detail_invalidate_after_commit(order_id)
        transaction.on_commit(
            lambda: catalog_services.stock_release(order_id=order_id), using=DB, robust=True
        )
