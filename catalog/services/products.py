"""Writes of the catalog's products: created, changed and withdrawn, a vehicle's specification
and VIN checked, and a used car bought in a trade-in taken into stock."""

from decimal import Decimal
from typing import TypedDict, Unpack
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from catalog import events
from catalog.cache import product_list_invalidate_after_commit
from catalog.choices import Condition, Fuel, ProductKind
from catalog.error_codes import CatalogErrorCode
from catalog.models import Category, Location, Product
from catalog.search import search_fields_prepare
from catalog.services.categories import category_create
from catalog.services.demo_cars import _demo_car_of_model
from catalog.services.locations import showroom_for_new_car
from catalog.services.photos import photo_add
from catalog.validators import normalize_vin
from catalog.vin_decode import vin_contradictions
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.events import DomainEvent
from common.showrooms import scope_check
from common.types import Actor, Id

DB = "catalog"


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


def product_create(
    *, standing_in: Location | None = None, **fields: Unpack[ProductFields]
) -> Product:
    """A product; a car `standing_in` a showroom stands there from its creation."""
    if (vin := fields.get("vin")) and Product.objects.filter(vin=normalize_vin(vin)).exists():
        raise _vin_taken()
    product = Product(**fields)
    if standing_in is not None:
        product.showroom_id, product.city = standing_in.pk, standing_in.city
    return _save_product(product, events.PRODUCT_CREATED)


def product_add(
    *, user: Actor, showroom_id: Id | None = None, **fields: Unpack[ProductFields]
) -> Product:
    """A product staff add (the API, the admin) or an import brings: a car stands in a
    showroom from its creation, the one named or the group's only one, named when the group
    has several (`showroom_required`), and one of the staff member's own (docs/showrooms.md,
    "Where each car is"). An accessory is the group's, and stands nowhere."""
    is_vehicle = bool(fields.get("vin")) or fields.get("kind") == ProductKind.VEHICLE
    if not is_vehicle:
        if showroom_id is not None:
            raise ApplicationError(
                _("Only a car stands in a showroom."),
                code=CommonErrorCode.VALIDATION_ERROR,
                details={"showroom_id": [_("Only for a car.")]},
            )
        scope_check(user, None)
        return product_create(**fields)
    location = showroom_for_new_car(showroom_id)
    scope_check(user, location.pk if location else None)
    return product_create(standing_in=location, **fields)


def product_update(
    *, product: Product, user: Actor | None = None, **fields: Unpack[ProductFields]
) -> Product:
    """Change a product: `user`, a member of staff, of the showroom the car stands in, or
    the group's (its price, its details; docs/showrooms.md). A manager's `stock_quantity` is
    a count of what is on the lot: it replaces the stored number under a row lock."""
    with transaction.atomic(using=DB):
        product = Product.objects.using(DB).select_for_update().get(pk=product.pk)
        if user is not None:
            scope_check(user, product.showroom_id)
        vin = normalize_vin(fields.get("vin") or "")
        if vin and Product.objects.using(DB).filter(vin=vin).exclude(pk=product.pk).exists():
            raise _vin_taken()
        for name, value in fields.items():
            setattr(product, name, value)
        return _save_product(product, events.PRODUCT_UPDATED)


def product_deactivate(*, product: Product, user: Actor | None = None) -> Product:
    """Products are withdrawn, not erased: orders and reservations still point at them."""
    return product_update(product=product, user=user, is_active=False)


def product_scope_check(*, user: Actor, product: Product) -> None:
    """What staff change of a product (its photos too) is their showroom's, or the group's
    staff's (common.showrooms)."""
    scope_check(user, product.showroom_id)


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
    showroom_id: Id | None = None,
) -> UUID:
    """A used car the dealership bought for `price` (a trade-in, docs/tradein.md), into
    stock: one car, with its photos and its purchase price, off sale until a manager sets
    its sale price, in the used cars' category, standing in `showroom_id`, where it was
    handed over (the group's only showroom for a trade-in of the group's; with several, in
    none until a manager places it: the admin lists such cars). Once per `product_id`: taken
    in again, it is the same car."""
    if Product.objects.using(DB).filter(pk=product_id).exists():
        return product_id
    try:
        where = showroom_for_new_car(showroom_id)
    except ApplicationError:  # a showroom since closed, or the group's with several
        where = None
    product = product_create(
        standing_in=where,
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
