"""Writes of the catalog: categories, products and stock. Stock changes only here."""

from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, Unpack
from uuid import UUID, uuid4

from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Max, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_stubs_ext import StrOrPromise

from catalog import events
from catalog.cache import product_list_invalidate_after_commit, product_stock_changed_after_commit
from catalog.choices import (
    RESERVATION_TRANSITIONS,
    Condition,
    Fuel,
    ProductKind,
    ReservationStatus,
)
from catalog.error_codes import CatalogErrorCode
from catalog.models import (
    PATH_SEPARATOR,
    Category,
    DemoCar,
    Product,
    ProductPhoto,
    StockReservation,
)
from catalog.search import search_fields_prepare
from catalog.validators import normalize_vin
from catalog.vin_decode import vin_contradictions
from common.db import insert_rows
from common.error_codes import CommonErrorCode
from common.events import DomainEvent
from common.exceptions import ApplicationError
from common.images import RENDITIONS, photo_checked, rendition
from common.money import to_cents
from common.types import Id

DB = "catalog"


# CATEGORIES
# ------------------------------------------------------------------------------
MAX_DEPTH = 20


def _too_deep() -> ApplicationError:
    return ApplicationError(
        _("Categories nest at most %(depth)s levels deep.") % {"depth": MAX_DEPTH},
        code=CatalogErrorCode.CATEGORY_TOO_DEEP,
        status=400,
        details={"parent": [_("At most %(depth)s levels.") % {"depth": MAX_DEPTH}]},
    )


def _place(category: Category, parent: Category | None, *, subtree_height: int = 0) -> None:
    """Put `category` under `parent`; its deepest descendant is `subtree_height` below it."""
    level = parent.level + 1 if parent else 0
    if level + subtree_height >= MAX_DEPTH:
        raise _too_deep()
    category.parent = parent
    category.path = f"{parent.path if parent else ''}{category.pk.hex}{PATH_SEPARATOR}"
    category.level = level


def _name_taken() -> ApplicationError:
    return ApplicationError(
        _("A category with this name already exists at this place in the tree."),
        code=CommonErrorCode.VALIDATION_ERROR,
        details={"name": [_("A category with this name already exists here.")]},
    )


def category_create(
    *, name: str, description: str = "", parent: Category | None = None, id: UUID | None = None
) -> Category:
    category = Category(name=name, description=description)
    if id is not None:
        category.pk = id
    _place(category, parent)
    try:
        with transaction.atomic(using=DB):
            category.save(using=DB)
            product_list_invalidate_after_commit()
    except IntegrityError as exc:
        raise _name_taken() from exc
    return category


class CategoryChanges(TypedDict, total=False):
    """What `category_update` may change of a category."""

    name: str
    description: str
    parent: Category | None


def category_update(*, category: Category, **fields: Unpack[CategoryChanges]) -> Category:
    """Rename, describe or move a category; a move carries its whole subtree along. Works on
    the stored row, locked, whatever the caller's copy says."""
    moving = "parent" in fields
    new_parent = fields.pop("parent", None)
    new_parent_id = new_parent.pk if new_parent is not None else None
    try:
        with transaction.atomic(using=DB):
            ids = [pk for pk in (category.pk, new_parent_id) if pk]
            locked = Category.objects.using(DB).select_for_update().filter(pk__in=ids)
            rows = {row.pk: row for row in locked.order_by("pk")}
            category = rows[category.pk]
            if moving and new_parent_id != category.parent_id:
                _category_move(
                    category, rows.get(new_parent_id) if new_parent_id is not None else None
                )
            for name, value in fields.items():
                setattr(category, name, value)
            category.save(
                using=DB, update_fields=[*fields, "parent", "path", "level", "updated_at"]
            )
            product_list_invalidate_after_commit()  # lists show category names and trees
    except IntegrityError as exc:
        raise _name_taken() from exc
    return category


def _category_move(category: Category, new_parent: Category | None) -> None:
    if new_parent is not None and new_parent.path.startswith(category.path):
        raise ApplicationError(
            _("A category cannot move under itself or one of its descendants."),
            code=CatalogErrorCode.CATEGORY_CYCLE,
            status=409,
        )
    subtree = Category.objects.using(DB).filter(path__startswith=category.path)
    height = max(subtree.values_list("level", flat=True)) - category.level
    old_path, old_level = category.path, category.level
    _place(category, new_parent, subtree_height=height)
    subtree.exclude(pk=category.pk).update(
        path=Concat(Value(category.path), Substr("path", len(old_path) + 1)),
        level=F("level") + (category.level - old_level),
    )


def category_delete(*, category: Category) -> None:
    with transaction.atomic(using=DB):
        if category.children.exists() or category.products.exists():
            raise ApplicationError(
                _("Only a category without subcategories and products can be deleted."),
                code=CatalogErrorCode.CATEGORY_NOT_EMPTY,
                status=409,
            )
        category.delete(using=DB)
        product_list_invalidate_after_commit()


# PRODUCTS
# ------------------------------------------------------------------------------
def _vin_taken() -> ApplicationError:
    return ApplicationError(
        _("A product with this VIN already exists."),
        code=CatalogErrorCode.VIN_TAKEN,
        status=409,
        details={"vin": [_("A product with this VIN already exists.")]},
    )


def _save_product(product: Product, event: DomainEvent) -> Product:
    if product.vin is not None:
        product.vin = normalize_vin(product.vin) or None
    _vehicle_checked(product)
    search_fields_prepare(product)
    try:
        with transaction.atomic(using=DB):
            if product.model_key:  # a car of a model with a demo car can be test-driven
                product.test_drive_available = _demo_car_of_model(product.model_key).exists()
            product.save(using=DB)
            event.emit(aggregate_id=product.pk, payload=events.product_payload(product))
            product_list_invalidate_after_commit()
    except IntegrityError as exc:
        if product.vin and "vin" in str(exc):
            raise _vin_taken() from exc
        raise
    return product


def _vehicle_checked(product: Product) -> None:
    """A product with a VIN is a vehicle, and a vehicle is one car: its stock is 0 or 1, its
    specification holds together, and the VIN does not contradict its make or year. Sets
    what follows from the rest: the kind, the model key, a new car's mileage."""
    if product.vin:
        product.kind = ProductKind.VEHICLE
    if product.kind != ProductKind.VEHICLE:
        product.model_key = ""
        return
    product.model_key = slugify(f"{product.make} {product.model} {product.trim}", True)
    if product.condition == Condition.NEW and product.mileage_km is None:
        product.mileage_km = 0
    refused = {}
    if product.stock_quantity > 1:
        refused["stock_quantity"] = _("A vehicle is one car: 0 or 1 in stock.")
    if product.condition == Condition.NEW and product.mileage_km:
        refused["mileage_km"] = _("A new car has no mileage.")
    if product.condition == Condition.NEW and product.owners_count:
        refused["owners_count"] = _("A new car has had no owner.")
    if product.fuel == Fuel.ELECTRIC and product.engine_volume is not None:
        refused["engine_volume"] = _("An electric car has no engine volume.")
    if refused:
        raise ApplicationError(
            _("The vehicle's details contradict each other."),
            code=CommonErrorCode.VALIDATION_ERROR,
            details={field: [message] for field, message in refused.items()},
        )
    vin_agreement_check(product.vin or "", make=product.make, year=product.year)


def vin_agreement_check(vin: str, *, make: str, year: int | None) -> None:
    """Refuse a make and year the VIN contradicts (catalog/vin_decode.py): a vehicle's, and
    a trade-in's as its customer describes it."""
    said = vin_contradictions(vin, make=make, year=year)
    if said:
        raise ApplicationError(
            _("The VIN contradicts the vehicle's %(fields)s.") % {"fields": ", ".join(said)},
            code=CatalogErrorCode.VIN_CONTRADICTION,
            details={
                field: [_("The VIN says: %(value)s.") % {"value": value}]
                for field, value in said.items()
            },
        )


class ProductFields(TypedDict, total=False):
    """A product's own fields: what `product_create` sets (its `id` too, when the caller
    chose it) and `product_update` may change."""

    id: UUID
    name: str
    description: str
    price: Decimal
    currency: str
    stock_quantity: int
    category: Category
    is_active: bool
    kind: str
    make: str
    model: str
    trim: str
    year: int | None
    vin: str | None
    condition: str
    body_type: str
    fuel: str
    engine_volume: Decimal | None
    power_hp: int | None
    transmission: str
    drive: str
    color: str
    mileage_km: int | None
    options: list[str]
    owners_count: int | None
    purchase_price: Decimal | None


def product_create(**fields: Unpack[ProductFields]) -> Product:
    if (vin := fields.get("vin")) and Product.objects.filter(vin=normalize_vin(vin)).exists():
        raise _vin_taken()
    return _save_product(Product(**fields), events.PRODUCT_CREATED)


def product_update(*, product: Product, **fields: Unpack[ProductFields]) -> Product:
    """Change a product. A manager's `stock_quantity` is a count of what is on the lot: it
    replaces the stored number under a row lock."""
    with transaction.atomic(using=DB):
        product = Product.objects.using(DB).select_for_update().get(pk=product.pk)
        vin = normalize_vin(fields.get("vin") or "")
        if vin and Product.objects.using(DB).filter(vin=vin).exclude(pk=product.pk).exists():
            raise _vin_taken()
        for name, value in fields.items():
            setattr(product, name, value)
        return _save_product(product, events.PRODUCT_UPDATED)


def product_deactivate(*, product: Product) -> Product:
    """Products are withdrawn, not erased: orders and reservations still point at them."""
    return product_update(product=product, is_active=False)


def used_vehicle_take_in(
    *,
    product_id: UUID,
    make: str,
    model: str,
    year: int,
    vin: str,
    mileage_km: int,
    owners_count: int,
    price: Decimal,
    currency: str,
    description: str,
    photos: list[bytes],
) -> UUID:
    """A used car the dealership bought for `price` (a trade-in, docs/tradein.md), into
    stock: one car, with its photos and its purchase price, off sale until a manager sets
    its sale price, in the used cars' category. Once per `product_id`: taken in again, it
    is the same car."""
    if Product.objects.using(DB).filter(pk=product_id).exists():
        return product_id
    product = product_create(
        id=product_id,
        name=f"{make} {model}, {year}",
        description=description,
        price=price,
        purchase_price=price,
        currency=currency,
        stock_quantity=1,
        category=_used_cars(),
        is_active=False,
        kind=ProductKind.VEHICLE,
        condition=Condition.USED,
        make=make,
        model=model,
        year=year,
        vin=vin,
        mileage_km=mileage_km,
        owners_count=owners_count,
    )
    for data in photos:
        photo_add(product=product, data=data)
    return product.pk


def _used_cars() -> Category:
    name = str(pgettext("catalog", "Used cars"))
    found = Category.objects.using(DB).filter(name=name, parent=None).first()
    return found or category_create(name=name)


# STOCK
# ------------------------------------------------------------------------------
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
 RETURNING id, name, price, currency, kind
"""
# PostgreSQL only (SQLite has no INSERT or UPDATE inside WITH): the take and the row that
# reserves what it took, one statement, atomic by itself.
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
    SELECT id, name, price, currency, kind FROM taken
"""


def _take(
    product_id: UUID, quantity: int, *, reserve_for: UUID | None = None
) -> ReservedLine | None:
    """The conditional update that never oversells: it takes the units only from a product
    that is still sold and has enough left, and returns what the order must remember of it
    (whether it is a vehicle too), in one round trip; with `reserve_for`, an order's id, the
    reservation row too (on PostgreSQL). A vehicle whose VIN is still to be entered is never
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
    _, name, price, currency, kind = row
    return ReservedLine(
        product_id, name, to_cents(Decimal(str(price))), currency, quantity, kind == "vehicle"
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
    reservation for it fails on a unique constraint. On PostgreSQL each product is taken and
    reserved by one statement, so an order of one product, most orders, needs no transaction
    of its own: one round trip (docs/conventions.md, "Hot paths")."""
    connection = connections[DB]
    in_one_statement = connection.vendor == "postgresql"
    # Several products are taken together or not at all; in a caller's transaction, a
    # savepoint keeps a failure (a second reservation for the order) from aborting it.
    atomic = len(items) > 1 or not in_one_statement or connection.in_atomic_block
    try:
        with transaction.atomic(using=DB) if atomic else nullcontext():
            lines = []
            for product_id in sorted(items):  # a fixed order: concurrent orders cannot deadlock
                line = _take(
                    product_id,
                    items[product_id],
                    reserve_for=order_id if in_one_statement else None,
                )
                if line is None:
                    raise _NothingTaken
                lines.append(line)
            if not in_one_statement:
                insert_rows(
                    [
                        StockReservation(
                            order_id=order_id, product_id=line.product_id, quantity=line.quantity
                        )
                        for line in lines
                    ],
                    using=DB,
                )
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


# DEMO CARS
# ------------------------------------------------------------------------------
def demo_car_note(*, resource_id: Id, vehicle_id: Id | None, is_active: bool) -> None:
    """What the showroom reports of a resource: a demo car of `vehicle_id` that takes
    bookings or not (none: not a demo car, or deleted). A buyer test-drives a model, not the
    very car: every car of the model (its `model_key`) the demo car was and is of says
    whether it can be test-driven."""
    with transaction.atomic(using=DB):
        before = DemoCar.objects.using(DB).select_for_update().filter(pk=resource_id).first()
        touched = {before.product_id} if before else set()
        if vehicle_id is None:
            DemoCar.objects.using(DB).filter(pk=resource_id).delete()
        else:
            DemoCar.objects.using(DB).update_or_create(
                resource_id=resource_id,
                defaults={"product_id": vehicle_id, "is_active": is_active},
            )
            touched.add(UUID(str(vehicle_id)))
        for product_id in touched:
            _test_drive_availability_set(product_id)
    product_list_invalidate_after_commit()


def _test_drive_availability_set(product_id: UUID) -> None:
    """Whether the cars of `product_id`'s model have an active demo car among them."""
    products = Product.objects.using(DB)
    key = products.filter(pk=product_id).values_list("model_key", flat=True).first()
    if key:
        products.filter(model_key=key).update(test_drive_available=_demo_car_of_model(key).exists())
    else:
        products.filter(pk=product_id).update(
            test_drive_available=DemoCar.objects.using(DB)
            .filter(product_id=product_id, is_active=True)
            .exists()
        )


def _demo_car_of_model(model_key: str) -> QuerySet[DemoCar]:
    cars = Product.objects.using(DB).filter(model_key=model_key)
    return DemoCar.objects.using(DB).filter(product_id__in=cars.values("pk"), is_active=True)


# PHOTOS
# ------------------------------------------------------------------------------
MAX_PHOTOS = 30


def _photo_error(message: StrOrPromise, field: str) -> ApplicationError:
    return ApplicationError(
        message, code=CommonErrorCode.PHOTO_REFUSED, status=400, details={field: [message]}
    )


def photo_add(
    *, product: Product, data: bytes, alt: str = "", is_primary: bool = False
) -> ProductPhoto:
    """A photo of a vehicle, last in its order; the first is its primary one. The served
    copy is stored at once and its renditions made by a task after the commit."""
    if product.kind != ProductKind.VEHICLE:
        raise _photo_error(_("Only a vehicle has photos."), "product")
    checked = photo_checked(data)
    with transaction.atomic(using=DB):
        Product.objects.using(DB).select_for_update().filter(pk=product.pk).first()
        photos = ProductPhoto.objects.using(DB).filter(product_id=product.pk)
        count = photos.count()
        if count >= MAX_PHOTOS:
            raise _photo_error(
                _("A vehicle has at most %(count)s photos.") % {"count": MAX_PHOTOS}, "file"
            )
        last = photos.aggregate(last=Max("position"))["last"]
        photo = ProductPhoto(
            product_id=product.pk,
            width=checked.width,
            height=checked.height,
            alt=alt,
            position=0 if last is None else last + 1,
            is_primary=is_primary or count == 0,
        )
        if photo.is_primary:
            photos.update(is_primary=False)
        photo.image.save(f"photo.{checked.extension}", ContentFile(checked.content), save=False)
        try:
            photo.save(using=DB)
        except BaseException:
            photo.image.storage.delete(str(photo.image.name))
            raise
        photo_id = photo.pk
        transaction.on_commit(lambda: _renditions_enqueue(photo_id), using=DB, robust=True)
        product_list_invalidate_after_commit()
    return photo


def _renditions_enqueue(photo_id: UUID) -> None:
    from catalog import tasks

    tasks.photo_renditions_task.delay(str(photo_id))


def photo_update(
    *,
    photo: ProductPhoto,
    position: int | None = None,
    is_primary: bool | None = None,
    alt: str | None = None,
) -> ProductPhoto:
    """Move a photo in its vehicle's order, make it the primary one, or describe it. The
    primary photo stays one: making another primary takes it from this one, and this one
    cannot stop being primary but by another taking its place."""
    with transaction.atomic(using=DB):
        Product.objects.using(DB).select_for_update().filter(pk=photo.product_id).first()
        photo = ProductPhoto.objects.using(DB).get(pk=photo.pk)
        siblings = ProductPhoto.objects.using(DB).filter(product_id=photo.product_id)
        if is_primary is False and photo.is_primary:
            raise _photo_error(
                _("Make another photo primary instead: a vehicle keeps one."), "is_primary"
            )
        if is_primary:
            siblings.exclude(pk=photo.pk).update(is_primary=False)
            photo.is_primary = True
        if alt is not None:
            photo.alt = alt
        if position is not None:
            ordered = [p for p in siblings.order_by("position", "created_at") if p.pk != photo.pk]
            ordered.insert(min(position, len(ordered)), photo)
            for index, sibling in enumerate(ordered):
                if sibling.pk != photo.pk and sibling.position != index:
                    siblings.filter(pk=sibling.pk).update(position=index)
            photo.position = min(position, len(ordered) - 1)
        photo.save(using=DB)
        product_list_invalidate_after_commit()
    return photo


def photo_delete(*, photo: ProductPhoto) -> None:
    """Remove a photo and its files; the next one becomes primary if it was."""
    with transaction.atomic(using=DB):
        Product.objects.using(DB).select_for_update().filter(pk=photo.product_id).first()
        names = [str(photo.image.name), *(str(r["name"]) for r in photo.renditions.values())]
        ProductPhoto.objects.using(DB).filter(pk=photo.pk).delete()
        if photo.is_primary:
            successor = (
                ProductPhoto.objects.using(DB)
                .filter(product_id=photo.product_id)
                .order_by("position", "created_at")
                .first()
            )
            if successor is not None:
                ProductPhoto.objects.using(DB).filter(pk=successor.pk).update(is_primary=True)
        storage = photo.image.storage
        # The demo's cars share their drawn pictures (catalog/demo.py): a file another
        # photo still shows stays.
        others = ProductPhoto.objects.using(DB)
        shared = set(others.filter(image__in=names).values_list("image", flat=True))
        for kind in RENDITIONS:
            field = f"renditions__{kind}__name"
            shared |= set(others.filter(**{f"{field}__in": names}).values_list(field, flat=True))
        names = [name for name in names if name not in shared]

        def files_deleted() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(files_deleted, using=DB, robust=True)
        product_list_invalidate_after_commit()


def photo_renditions_make(*, photo_id: Id) -> list[str]:
    """Make the WebP renditions a photo lacks; a second run makes none. Returns the names
    of those it made."""
    photo = ProductPhoto.objects.using(DB).filter(pk=photo_id).first()
    if photo is None:
        return []  # deleted since
    missing = {name: width for name, width in RENDITIONS.items() if name not in photo.renditions}
    if not missing:
        return []
    with photo.image.open("rb") as original:
        content = original.read()
    made: dict[str, dict[str, str | int]] = {}
    for name, width in missing.items():
        data, rendered_width, rendered_height = rendition(content, width)
        stored = photo.image.storage.save(
            f"products/{photo.product_id}/{photo.pk}-{name}.webp", ContentFile(data)
        )
        made[name] = {"name": stored, "width": rendered_width, "height": rendered_height}
    with transaction.atomic(using=DB):
        current = ProductPhoto.objects.using(DB).select_for_update().filter(pk=photo_id).first()
        if current is None:
            for made_one in made.values():
                photo.image.storage.delete(str(made_one["name"]))
            return []
        current.renditions = {**current.renditions, **made}
        current.save(using=DB, update_fields=["renditions", "updated_at"])
        product_list_invalidate_after_commit()
    return sorted(made)
