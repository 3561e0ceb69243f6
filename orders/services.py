"""Writes of the orders domain. `order_status_set` is the only code that changes a status."""

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from django_stubs_ext import WithAnnotations

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from common import idempotency
from common.exceptions import ApplicationError, NotFound, email_not_verified
from common.types import Actor as Viewer
from common.types import Id
from orders import cache, events, realtime
from orders.choices import (
    FINANCED_LOAN_STATUSES,
    OPEN_STATUSES,
    ORDER_TRANSITIONS,
    Actor,
    LinkKind,
    OrderStatus,
    link_stage,
)
from orders.error_codes import OrderErrorCode
from orders.models import Order, OrderIdempotencyKey, OrderItem, OrderLink, OrderStatusHistory
from orders.types import Customer

DB = "orders"
PUSH_UPDATED = "order.updated"  # a live push for a change that is not an event of its own
logger = logging.getLogger(__name__)


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
) -> tuple[Order, bool]:
    """Create an order from catalog prices, reserving its stock. Returns (order, created):
    a repeated `idempotency_key` with the same request returns the first order.

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
        created_order = _order_insert(order_id, customer, lines, notes)
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


def _order_insert(
    order_id: uuid.UUID,
    customer: Customer,
    lines: list[catalog_services.ReservedLine],
    notes: str,
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
        customer_id=customer.pk,
        customer_email=customer.email,
        customer_name=customer.full_name,
        currency=currencies.pop(),
        notes=notes,
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
        ),
        rows=[order, *order.line_items, history],
    )
    return order


def _unpaid_vehicles_check(customer_id: uuid.UUID, ordered: int) -> None:
    """Refuse an order that would leave the customer holding more than
    ORDERS_MAX_UNPAID_VEHICLES vehicle units on pending orders. It runs in the transaction
    that inserts the order: on PostgreSQL a lock per customer, held until that transaction
    ends, makes the customer's concurrent orders wait here and then count this one (SQLite,
    the embedded mode, has one writer). Orders without a vehicle take no lock."""
    connection = connections[DB]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"orders.unpaid_vehicles:{customer_id}"],
            )
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


# STATUS
# ------------------------------------------------------------------------------
def _actor(order: Order, user: Viewer | None) -> str:
    if user is None:
        return Actor.SYSTEM
    if user.is_staff:
        return Actor.STAFF
    return Actor.CUSTOMER if order.customer_id == user.pk else ""


def order_status_set(
    *, order_id: uuid.UUID, status: str, user: Viewer | None = None, reason: str = ""
) -> Order:
    """Move an order along its lifecycle. `user` is None when the system acts (payments).
    Another customer's order is a 404, exactly like a missing one."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().filter(pk=order_id).first()
        if order is None or _actor(order, user) == "":
            raise NotFound
        actor = _actor(order, user)
        from_status = ORDER_TRANSITIONS.apply(order, status, actor=actor)
        _changed(order, events.ORDER_STATUS_CHANGED.type)
        order.save(using=DB, update_fields=["status", "sequence", "updated_at"])
        _history(order, from_status=from_status, user=user, actor=actor, reason=reason).save(
            using=DB
        )
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
        elif order.status in _PAID_UNTIL_REFUNDED and paid_amount < order.total_amount:
            order = order_status_set(
                order_id=order.pk,
                status=OrderStatus.CANCELLED if paid_amount <= 0 else OrderStatus.PENDING,
                reason=gettext_noop("Refunded in full")
                if paid_amount <= 0
                else gettext_noop("Refunded below its total"),
            )
    return order


# What a refund takes back: the order is no longer paid for (a completed one stays so).
_PAID_UNTIL_REFUNDED = (OrderStatus.PAID, OrderStatus.PROCESSING)


# ITEMS
# ------------------------------------------------------------------------------
def order_item_quantity_set(*, order_id: uuid.UUID, item_id: uuid.UUID, quantity: int) -> Order:
    """Change an item's quantity while the order is pending; the reservation follows."""
    # (product_id, quantity) once the catalog committed
    reserved_before: tuple[uuid.UUID, int] | None = None
    try:
        with transaction.atomic(using=DB):
            order = Order.objects.using(DB).select_for_update().get(pk=order_id)
            if order.status != OrderStatus.PENDING:
                raise ApplicationError(
                    _("Items can only change while the order is pending."),
                    code=OrderErrorCode.ORDER_NOT_EDITABLE,
                    status=409,
                )
            item = OrderItem.objects.using(DB).filter(order=order, pk=item_id).first()
            if item is None:
                raise NotFound
            if item.quantity == quantity:
                return order
            if item.is_vehicle and quantity > item.quantity:
                # The same limit, under the same per-customer lock, as a new order's.
                _unpaid_vehicles_check(order.customer_id, quantity - item.quantity)
            catalog_services.stock_adjust(
                order_id=order.pk, product_id=item.product_id, quantity=quantity
            )
            reserved_before = (item.product_id, item.quantity)
            delta = quantity - item.quantity
            item.quantity = quantity
            item.line_total = item.unit_price * quantity
            item.save(using=DB, update_fields=["quantity", "line_total", "updated_at"])
            order.total_quantity += delta
            order.total_amount += item.unit_price * delta
            _changed(order, PUSH_UPDATED)
            order.save(
                using=DB,
                update_fields=["total_quantity", "total_amount", "sequence", "updated_at"],
            )
    except BaseException:
        if reserved_before is not None:  # give the catalog its previous reservation back
            product_id, previous = reserved_before
            catalog_services.stock_adjust(
                order_id=order_id, product_id=product_id, quantity=previous
            )
        raise
    return order


# DELETE AND CUSTOMER DATA
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


class _CustomerSnapshot(TypedDict, total=False):
    """What an order keeps of its customer, as their account last reported it."""

    customer_email: str
    customer_name: str
    customer_synced_at: datetime
    customer_scrubbed: bool
    notes: str


def _customer_snapshot_set(orders: QuerySet[Order], **fields: Unpack[_CustomerSnapshot]) -> int:
    ids = list(orders.values_list("pk", flat=True))
    updated = (
        Order.objects.using(DB).filter(pk__in=ids).update(**fields, sequence=F("sequence") + 1)
    )
    for order_id in ids:
        cache.detail_invalidate_after_commit(order_id)
    realtime.orders_push_after_commit(ids, PUSH_UPDATED)
    return updated


def order_customer_refresh(*, customer_id: Id, email: str, full_name: str, as_of: datetime) -> int:
    """A customer changed their contact data: open orders follow, finished ones keep history.
    A change older than the one already applied, or one after the customer was deleted,
    changes nothing."""
    orders = (
        Order.objects.using(DB)
        .filter(customer_id=customer_id, status__in=OPEN_STATUSES, customer_scrubbed=False)
        .filter(Q(customer_synced_at__isnull=True) | Q(customer_synced_at__lt=as_of))
    )
    return _customer_snapshot_set(
        orders, customer_email=email, customer_name=full_name, customer_synced_at=as_of
    )


def order_customer_scrub(*, customer_id: Id) -> int:
    """A customer was deleted: their orders stay, their personal data goes, for good."""
    orders = Order.objects.using(DB).filter(customer_id=customer_id)
    return _customer_snapshot_set(
        orders, customer_email="", customer_name="", notes="", customer_scrubbed=True
    )


# LINKS TO OTHER DOMAINS
# ------------------------------------------------------------------------------
def order_link_note(
    *,
    order_id: Id,
    kind: str,
    reference_id: Id,
    status: str,
    reported_at: datetime,
    event: str,
    amount: Decimal | None = None,
    refunded_amount: Decimal | None = None,
    currency: str = "",
) -> OrderLink | None:
    """Note what another domain reported about the order (a payment, loan application or
    policy). A report older than the one already noted changes nothing, nor does one of the
    same instant that is no further along (`choices.link_stage`); nor a report about an order
    that is gone."""
    with transaction.atomic(using=DB):
        order = Order.objects.using(DB).select_for_update().filter(pk=order_id).first()
        if order is None:
            logger.warning("%s reported for order %s, which does not exist", event, order_id)
            return None
        fields = {
            "status": status,
            "amount": amount,
            "refunded_amount": refunded_amount,
            "currency": currency,
        }
        link, created = OrderLink.objects.using(DB).get_or_create(
            order=order,
            kind=kind,
            reference_id=reference_id,
            defaults={**fields, "reported_at": reported_at},
        )
        if not created:
            noted = (link.reported_at, link_stage(kind, link.status))
            if noted >= (reported_at, link_stage(kind, status)):
                return link
            for name, value in {**fields, "reported_at": reported_at}.items():
                setattr(link, name, value)
            link.save(using=DB)
        _changed(order, event, link)
        order.save(using=DB, update_fields=["sequence", "updated_at"])
    return link


def order_reservations_sweep(*, older_than: timedelta) -> int:
    """Release stock reserved for orders that never committed (a crash mid-saga)."""
    cutoff = timezone.now() - older_than
    candidates = catalog_selectors.reservation_order_ids_active_before(before=cutoff)
    existing = set(Order.objects.using(DB).filter(pk__in=candidates).values_list("pk", flat=True))
    released = 0
    for order_id in candidates - existing:
        logger.warning("Releasing stock of order %s, which never committed", order_id)
        released += catalog_services.stock_release(order_id=order_id)
    return released


# EXPIRY
# ------------------------------------------------------------------------------
def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:g}"


class _HeldBy(TypedDict):
    """What `orders_unpaid_expire` prefetches of each order."""

    vehicle_items: list[OrderItem]  # its vehicle lines
    loans: list[OrderLink]  # its approved or disbursed loans


def _unpaid_clock(
    order: "WithAnnotations[Order, _HeldBy]", *, older_than: timedelta
) -> tuple[timedelta, str]:
    """How long a pending order may stay unpaid, and the reason its cancellation gives.
    `order` carries its vehicle lines (`vehicle_items`) and its approved or disbursed loans
    (`loans`)."""
    vehicles_total = sum((item.line_total for item in order.vehicle_items), Decimal("0.00"))
    deposit = vehicles_total * settings.ORDERS_VEHICLE_DEPOSIT_PERCENT / 100
    if order.loans or (order.vehicle_items and order.paid_amount >= deposit):
        days = settings.ORDERS_FINANCED_EXPIRE_DAYS
        return timedelta(days=days), f"Financed, but not paid within {days} days"
    if order.vehicle_items:
        hold = min(older_than, timedelta(hours=settings.ORDERS_VEHICLE_HOLD_HOURS))
        return hold, f"Vehicle not paid within {_hours(hold)} hours"
    return older_than, f"Not paid within {_hours(older_than)} hours"


def orders_unpaid_expire(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Cancel, as the system, the pending orders whose clock has run out, counted from when
    they were placed; each in its own transaction, and `order.cancelled` gives their stock
    back. Three clocks (docs/operations.md, "Unpaid orders"):

    - financed (an approved or disbursed loan, or a deposit of ORDERS_VEHICLE_DEPOSIT_PERCENT
      of its vehicles): ORDERS_FINANCED_EXPIRE_DAYS, whatever `older_than` says;
    - holding a vehicle: `older_than` or ORDERS_VEHICLE_HOLD_HOURS, the shorter;
    - anything else (accessories): `older_than`.

    An order paid in the meantime is left alone. Returns how many were cancelled."""
    now = now or timezone.now()
    shortest = min(
        older_than,
        timedelta(hours=settings.ORDERS_VEHICLE_HOLD_HOURS),
        timedelta(days=settings.ORDERS_FINANCED_EXPIRE_DAYS),
    )
    stale = (
        Order.objects.using(DB)
        .filter(status=OrderStatus.PENDING, created_at__lt=now - shortest)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.using(DB).filter(is_vehicle=True),
                to_attr="vehicle_items",
            )
        )
        .prefetch_related(
            Prefetch(
                "links",
                queryset=OrderLink.objects.using(DB).filter(
                    kind=LinkKind.LOAN_APPLICATION, status__in=FINANCED_LOAN_STATUSES
                ),
                to_attr="loans",
            ),
        )
    )
    cancelled = 0
    for order in list(stale):
        clock, reason = _unpaid_clock(order, older_than=older_than)
        if order.created_at >= now - clock:
            continue
        try:
            order_status_set(order_id=order.pk, status=OrderStatus.CANCELLED, reason=reason)
        except ApplicationError:  # paid since it was listed
            continue
        cancelled += 1
    return cancelled
