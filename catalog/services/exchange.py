"""What the exchange with 1C writes in the catalog, a batch of goods at a time (docs/1c.md):
products created or changed from 1C's goods, their prices and where each car stands. Each
batch is one transaction with one event per product changed; what the site owns (photos, a
description unless the exchange is told otherwise) is never touched, and a car held or sold
on the site is never put back on sale by a stock file."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from catalog import events
from catalog.cache import product_list_invalidate_after_commit, product_stock_changed_after_commit
from catalog.choices import ProductKind, ReservationStatus
from catalog.models import Category, Location, Product, StockReservation, VehicleTransfer
from catalog.search import search_fields_prepare, search_vectors_write
from catalog.services.products import _vehicle_checked
from catalog.validators import normalize_vin
from common.api.exceptions import ApplicationError
from common.db.transactions import update_rows
from common.events.emitting import emit_together

DB = "catalog"
CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"
# What the exchange sets of a product: its own fields, never photos or the site's prices.
SPECIFICATION = (
    "name", "kind", "category_id", "make", "model", "trim", "year", "vin", "condition",
    "body_type", "fuel", "engine_volume", "power_hp", "transmission", "drive", "color",
    "mileage_km", "is_active",
)  # fmt: skip


@dataclass(frozen=True)
class GoodRow:
    """One of 1C's goods as a product: its id, its fields (`SPECIFICATION`'s), and 1C's
    description, written on a new product, or over the site's own when `overwrite_description`
    says so."""

    id: UUID
    fields: dict[str, Any]
    description: str = ""
    overwrite_description: bool = False


@dataclass(frozen=True)
class OfferRow:
    """A product's price and stock from 1C: the retail price, if the offer had one, and the
    units in each showroom's warehouse, if it said."""

    id: UUID
    price: Decimal | None
    stock: dict[UUID, int] | None
    currency: str = ""
    # Priced for the first time: the product comes on sale (one staff withdrew stays off).
    activate: bool = False


@dataclass
class Outcomes:
    """What a batch did to each product: created, changed, unchanged, or refused and why."""

    done: dict[UUID, str] = field(default_factory=dict)
    refused: dict[UUID, str] = field(default_factory=dict)


def _why(exc: ApplicationError | ValidationError) -> str:
    """What the exchange log says of a refused product: the error and its fields' messages."""
    if isinstance(exc, ValidationError):
        head, said = "", exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    else:
        head, said = str(exc.message), exc.details
    fields = [
        f"{name}: {' '.join(map(str, messages))}" if name else " ".join(map(str, messages))
        for name, messages in said.items()
        if isinstance(messages, list)
    ]
    return " ".join(part for part in (head, "; ".join(fields)) if part)


def category_ensure(*, name: str, parent_id: UUID | None) -> UUID:
    """The category of this name under `parent_id`, made if there is none: where the goods of
    one of 1C's groups go."""
    with transaction.atomic(using=DB):
        found = Category.objects.using(DB).filter(name=name, parent_id=parent_id).first()
        if found is not None:
            return found.pk
        from catalog.services.categories import category_create

        parent = Category.objects.using(DB).get(pk=parent_id) if parent_id else None
        return category_create(name=name, parent=parent).pk


def product_ids_by_vin(vins: Iterable[str]) -> dict[str, UUID]:
    """The products already on the site with these VINs: a car entered by hand before 1C sent
    it is that same car."""
    found = Product.objects.using(DB).filter(vin__in=[normalize_vin(vin) for vin in vins])
    return {vin: pk for vin, pk in found.values_list("vin", "pk") if vin}


def goods_apply(rows: list[GoodRow]) -> Outcomes:
    """Create or change the products of one batch of 1C's goods, in one transaction."""
    outcomes = Outcomes()
    with transaction.atomic(using=DB):
        existing = Product.objects.using(DB).select_for_update().in_bulk([row.id for row in rows])
        categories = set(
            Category.objects.using(DB)
            .filter(pk__in={row.fields["category_id"] for row in rows})
            .values_list("pk", flat=True)
        )
        new: list[Product] = []
        changed: list[Product] = []
        for row in rows:
            product = existing.get(row.id) or Product(
                id=row.id, price=Decimal("0"), is_active=False
            )
            before = {name: getattr(product, name) for name in (*SPECIFICATION, "description")}
            for name, value in row.fields.items():
                setattr(product, name, value)
            if product._state.adding or row.overwrite_description:
                product.description = row.description
            if product._state.adding:
                product.is_active = False  # on sale once an offer prices it
            after = {name: getattr(product, name) for name in (*SPECIFICATION, "description")}
            if not product._state.adding and before == after:
                outcomes.done[row.id] = UNCHANGED
                continue
            try:
                if row.fields["category_id"] not in categories:
                    raise ValidationError({"category": ["Нет такой категории."]})
                product.clean_fields(exclude=["category", "search_vector", "price", "currency"])
                product.vin = normalize_vin(product.vin or "") or None
                _vehicle_checked(product)
            except (ApplicationError, ValidationError) as exc:
                outcomes.refused[row.id] = _why(exc)
                continue
            search_fields_prepare(product)
            product.search_vector = None  # of the whole batch at once, below
            (new if product._state.adding else changed).append(product)
            outcomes.done[row.id] = CREATED if product._state.adding else CHANGED
        _vins_unique(new + changed, outcomes)
        new = [product for product in new if product.pk not in outcomes.refused]
        changed = [product for product in changed if product.pk not in outcomes.refused]
        Product.objects.using(DB).bulk_create(new)
        update_rows(changed, [*SPECIFICATION, "description", "model_key", "search_key"], using=DB)
        search_vectors_write([product.pk for product in new + changed])
        _announce(
            [(events.PRODUCT_CREATED, p) for p in new]
            + [(events.PRODUCT_UPDATED, p) for p in changed]
        )
    return outcomes


def _vins_unique(products: list[Product], outcomes: Outcomes) -> None:
    """Refuse a VIN another product has, or another good of the same batch."""
    vins = [product.vin for product in products if product.vin]
    taken = dict(Product.objects.using(DB).filter(vin__in=vins).values_list("vin", "pk"))
    seen: dict[str, UUID] = {}
    for product in products:
        if not product.vin:
            continue
        other = taken.get(product.vin, seen.get(product.vin))
        if other is not None and other != product.pk:
            outcomes.refused[product.pk] = f"VIN {product.vin} уже у другого автомобиля."
            outcomes.done.pop(product.pk, None)
        seen.setdefault(product.vin, product.pk)


def _announce(changes: list[tuple[Any, Product]]) -> None:
    if not changes:
        return
    emit_together(
        [(kind, product.pk, events.product_payload(product)) for kind, product in changes]
    )
    product_list_invalidate_after_commit()
    product_stock_changed_after_commit()


def offers_apply(*, rows: list[OfferRow], actor_id: UUID) -> Outcomes:
    """Prices and stock of one batch of products from 1C, in one transaction. A car stands in
    the showroom whose warehouse holds it (a move between showrooms is a transfer, by
    `actor_id`); a car held or sold on the site keeps its stock as the site has it. An
    accessory's stock is what 1C holds less what orders hold."""
    outcomes = Outcomes()
    with transaction.atomic(using=DB):
        products = Product.objects.using(DB).select_for_update().in_bulk([row.id for row in rows])
        held = dict(
            StockReservation.objects.using(DB)
            .filter(product_id__in=products, status=ReservationStatus.ACTIVE)
            .values("product_id")
            .annotate(units=Sum("quantity"))
            .values_list("product_id", "units")
        )
        cities = dict(Location.objects.using(DB).values_list("pk", "city"))
        changed, transfers = [], []
        for row in rows:
            product = products.get(row.id)
            if product is None:
                outcomes.refused[row.id] = "Товара нет в каталоге сайта: сначала import.xml."
                continue
            before = (product.price, product.stock_quantity, product.showroom_id, product.is_active)
            try:
                transfer = _offer_take(product, row, held.get(product.pk, 0), cities, actor_id)
            except ValidationError as exc:
                outcomes.refused[row.id] = _why(exc)
                continue
            if transfer is not None:
                transfers.append(transfer)
            if before == (
                product.price,
                product.stock_quantity,
                product.showroom_id,
                product.is_active,
            ):
                outcomes.done[row.id] = UNCHANGED
                continue
            changed.append(product)
            outcomes.done[row.id] = CHANGED
        update_rows(
            changed,
            ["price", "currency", "stock_quantity", "showroom_id", "city", "is_active"],
            using=DB,
        )
        _announce([(events.PRODUCT_UPDATED, product) for product in changed])
        if transfers:
            emit_together(
                [
                    (
                        events.VEHICLE_TRANSFERRED,
                        transfer.pk,
                        events.transfer_payload(transfer, cities.get(transfer.to_showroom_id, "")),
                    )
                    for transfer in transfers
                ],
                rows=transfers,
            )
    return outcomes


def _offer_take(
    product: Product, row: OfferRow, held: int, cities: dict[UUID, str], actor_id: UUID
) -> VehicleTransfer | None:
    """Set `product`'s price and stock from 1C's offer; the transfer a car's move makes."""
    if row.price is not None:
        if row.price < 0:
            raise ValidationError("Цена меньше нуля.")
        product.price = row.price
        product.currency = row.currency or product.currency
        product.is_active = product.is_active or (row.activate and product.price > 0)
    if row.stock is None:
        return None
    total = sum(row.stock.values())
    if product.kind != ProductKind.VEHICLE:
        product.stock_quantity = max(total - held, 0)
        return None
    if total > 1:
        raise ValidationError(f"Автомобиль — одна единица, а в остатках {total}.")
    if held:  # in an order on the site: its stock is the site's to say
        return None
    product.stock_quantity = total
    standing = next((showroom for showroom, units in row.stock.items() if units > 0), None)
    if standing is None or standing == product.showroom_id:
        return None
    if standing not in cities:
        raise ValidationError("Салон склада не известен каталогу.")
    moved_from, product.showroom_id, product.city = product.showroom_id, standing, cities[standing]
    if moved_from is None:
        return None  # delivered to its first showroom: no transfer (catalog.services.vehicle_place)
    return VehicleTransfer(
        product_id=product.pk,
        from_showroom_id=moved_from,
        to_showroom_id=standing,
        transferred_by_id=actor_id,
        note="1С",
    )
