"""Writes of the catalog's stock: taken and reserved for an order, adjusted and given back.
Stock changes only here; the take is a hot path (docs/conventions.md, "Hot paths")."""

from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID, uuid4

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.cache import product_stock_changed_after_commit
from catalog.choices import RESERVATION_TRANSITIONS, ProductKind, ReservationStatus
from catalog.error_codes import CatalogErrorCode
from catalog.models import Product, StockReservation
from common.api.exceptions import ApplicationError
from common.money import to_cents

DB = "catalog"


@dataclass(frozen=True)
class ReservedLine:
    """What an order needs to know about a reserved product, at the moment of reserving."""

    product_id: UUID
    product_name: str
    unit_price: Decimal
    currency: str
    quantity: int
    # A vehicle: orders holds vehicles by rules of their own (docs/operations.md,
    # "Unpaid orders").
    is_vehicle: bool
    # Where it stands (docs/showrooms.md): a vehicle's showroom sells it.
    showroom_id: UUID | None = None


def _insufficient_stock(product: Product) -> ApplicationError:
    return ApplicationError(
        _("Not enough stock of %(product)s.") % {"product": product.name},
        code=CatalogErrorCode.INSUFFICIENT_STOCK,
        status=409,
        details={"product_id": str(product.pk)},
    )


_TAKE_SQL = f"""
    UPDATE {Product._meta.db_table}
       SET stock_quantity = stock_quantity - %(quantity)s, updated_at = %(now)s
     WHERE id = %(product_id)s AND is_active AND stock_quantity >= %(quantity)s
       AND (kind <> '{ProductKind.VEHICLE.value}' OR vin IS NOT NULL)
 RETURNING id, name, price, currency, kind, showroom_id
"""
# The take and the row that reserves what it took: one statement, atomic by itself.
_TAKE_AND_RESERVE_SQL = f"""
      WITH taken AS ({_TAKE_SQL}),
           reserved AS (
               INSERT INTO {StockReservation._meta.db_table}
                      (id, order_id, product_id, quantity, status, released_at, created_at,
                       updated_at)
               SELECT %(reservation_id)s, %(order_id)s, id, %(quantity)s, %(status)s, NULL,
                      %(now)s, %(now)s
                 FROM taken
           )
    SELECT id, name, price, currency, kind, showroom_id FROM taken
"""


def _take(
    product_id: UUID, quantity: int, *, reserve_for: UUID | None = None
) -> ReservedLine | None:
    """The conditional update that never oversells: it takes the units only from a product
    that is still sold and has enough left, and returns what the order must remember of it
    (whether it is a vehicle too), in one round trip; with `reserve_for`, an order's id, the
    reservation row too. A vehicle whose VIN is still to be entered is never
    taken. None when it took nothing."""
    connection = connections[DB]
    uuid_value = Product._meta.pk.get_db_prep_value
    params = {
        "quantity": quantity,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "product_id": uuid_value(product_id, connection),
    }
    if reserve_for is not None:
        params["reservation_id"] = uuid_value(uuid4(), connection)
        params["order_id"] = uuid_value(reserve_for, connection)
        params["status"] = ReservationStatus.ACTIVE.value
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL if reserve_for is None else _TAKE_AND_RESERVE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    _, name, price, currency, kind, showroom_id = row
    return ReservedLine(
        product_id,
        name,
        to_cents(Decimal(str(price))),
        currency,
        quantity,
        kind == "vehicle",
        showroom_id,
    )


def _reservation_refused(items: dict[UUID, int]) -> ApplicationError:
    """Why a take failed: a product is gone, a vehicle awaits its VIN, or there is not
    enough of it."""
    products = Product.objects.using(DB).in_bulk(list(items))
    unavailable = [str(pk) for pk in items if pk not in products or not products[pk].is_active]
    awaiting_vin = [str(pk) for pk in items if pk in products and products[pk].vin_to_be_entered]
    if awaiting_vin and not unavailable:
        return ApplicationError(
            _("A car whose VIN is still to be entered cannot be ordered yet."),
            code=CatalogErrorCode.PRODUCT_UNAVAILABLE,
            status=400,
            details={"product_ids": awaiting_vin},
        )
    if unavailable:
        return ApplicationError(
            _("Some products do not exist or are no longer sold."),
            code=CatalogErrorCode.PRODUCT_UNAVAILABLE,
            status=400,
            details={"product_ids": unavailable},
        )
    ordered = sorted(items)
    short = next((pk for pk in ordered if products[pk].stock_quantity < items[pk]), ordered[0])
    return _insufficient_stock(products[short])


def _put_back(product_id: UUID, quantity: int) -> None:
    Product.objects.using(DB).filter(pk=product_id).update(
        stock_quantity=F("stock_quantity") + quantity, updated_at=timezone.now()
    )


def stock_reserve(*, order_id: UUID, items: dict[UUID, int]) -> list[ReservedLine]:
    """Reserve every item for `order_id`: all or nothing. An order reserves once: a second
    reservation for it fails on a unique constraint. Each product is taken and reserved by one
    statement, so an order of one product, most orders, needs no transaction of its own: one
    round trip (docs/conventions.md, "Hot paths")."""
    # Several products are taken together or not at all; in a caller's transaction, a
    # savepoint keeps a failure (a second reservation for the order) from aborting it.
    atomic = len(items) > 1 or connections[DB].in_atomic_block
    try:
        with transaction.atomic(using=DB) if atomic else nullcontext():
            lines = []
            for product_id in sorted(items):  # a fixed order: concurrent orders cannot deadlock
                line = _take(product_id, items[product_id], reserve_for=order_id)
                if line is None:
                    raise _NothingTaken
                lines.append(line)
            product_stock_changed_after_commit()
            return lines
    except _NothingTaken:
        raise _reservation_refused(items) from None


class _NothingTaken(Exception):
    pass


def stock_release(*, order_id: UUID) -> int:
    """Give back every unit still reserved for `order_id`; a second call gives back nothing.
    Returns the number of units released."""
    released = 0
    with transaction.atomic(using=DB):
        reservations = (
            StockReservation.objects.using(DB)
            .select_for_update()
            .filter(order_id=order_id, status=ReservationStatus.ACTIVE)
            .order_by("product_id")
        )
        for reservation in reservations:
            _put_back(reservation.product_id, reservation.quantity)
            RESERVATION_TRANSITIONS.apply(reservation, ReservationStatus.RELEASED)
            reservation.released_at = timezone.now()
            reservation.save(using=DB, update_fields=["status", "released_at", "updated_at"])
            released += reservation.quantity
        if released:
            product_stock_changed_after_commit()
    return released


def stock_adjust(*, order_id: UUID, product_id: UUID, quantity: int) -> None:
    """Change how many units of one product an order holds, taking or giving back the
    difference."""
    with transaction.atomic(using=DB):
        reservation = (
            StockReservation.objects.using(DB)
            .select_for_update()
            .select_related("product")
            .get(order_id=order_id, product_id=product_id, status=ReservationStatus.ACTIVE)
        )
        delta = quantity - reservation.quantity
        if delta > 0 and _take(product_id, delta) is None:
            raise _insufficient_stock(reservation.product)
        if delta < 0:
            _put_back(product_id, -delta)
        reservation.quantity = quantity
        reservation.save(using=DB, update_fields=["quantity", "updated_at"])
        product_stock_changed_after_commit()
