"""Reads of the catalog."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict
from uuid import UUID

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.db.models import Count, Field, Max, Min, QuerySet, Value
from django.utils.datastructures import MultiValueDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalog.choices import (
    BodyType,
    Color,
    Condition,
    Drive,
    Fuel,
    ProductKind,
    ReservationStatus,
    Transmission,
)
from catalog.filters import FACETS, ProductFilter
from catalog.models import Category, DemoCar, Product, ProductPhoto, StockReservation
from catalog.selectors.locations import cities as cities
from catalog.selectors.locations import facet_values
from catalog.selectors.locations import showroom_ids_in as showroom_ids_in
from catalog.selectors.locations import vehicle_showroom_id as vehicle_showroom_id
from catalog.selectors.locations import vehicles_unplaced as vehicles_unplaced
from catalog.selectors.vins import vin_made_by as vin_made_by
from catalog.validators import normalize_vin, validate_vin
from common.api.exceptions import ApplicationError, NotFound
from common.db.databases import database_for_app
from common.error_codes import CommonErrorCode
from common.images import RENDITIONS
from common.types import Id


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def category_get(*, category_id: UUID | str) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound
    return category


class CategoryNode(TypedDict):
    """A category of `category_tree`, with its subcategories."""

    id: UUID
    name: str
    level: int
    children: list["CategoryNode"]


def category_tree() -> list[CategoryNode]:
    """The whole tree as nested dicts, from one query."""
    nodes: dict[UUID, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for category in Category.objects.order_by("level", "name"):
        node: CategoryNode = {
            "id": category.pk,
            "name": category.name,
            "level": category.level,
            "children": [],
        }
        nodes[category.pk] = node
        parent = nodes.get(category.parent_id) if category.parent_id is not None else None
        (parent["children"] if parent else roots).append(node)
    return roots


def product_list(*, include_inactive: bool = False) -> QuerySet[Product]:
    """The products on sale; with `include_inactive`, staff's view: those off sale too (a
    used car taken in by trade-in waits there for its price, docs/tradein.md)."""
    products = Product.objects.all() if include_inactive else Product.objects.filter(is_active=True)
    return products.select_related("category").prefetch_related("photos")


def photo_list(*, product_id: UUID | str) -> QuerySet[ProductPhoto]:
    return ProductPhoto.objects.filter(product_id=product_id)


def photo_get(*, product_id: UUID | str, photo_id: UUID | str) -> ProductPhoto:
    photo = photo_list(product_id=product_id).filter(pk=photo_id).first()
    if photo is None:
        raise NotFound
    return photo


def media_url(name: str) -> str:
    """A stored file's address, absolute: the storage's own (a bucket's), or this site's."""
    url = default_storage.url(name)
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def photo_view(photo: ProductPhoto) -> dict[str, Any]:
    """A photo as the API and the storefront show it; each rendition's address is the
    checked copy's until the task has made it (docs/api.md, "Photos")."""
    original = {
        "url": media_url(str(photo.image.name)),
        "width": photo.width,
        "height": photo.height,
    }
    renditions = {}
    for name in RENDITIONS:
        made = photo.renditions.get(name)
        renditions[name] = (
            {"url": media_url(made["name"]), "width": made["width"], "height": made["height"]}
            if made
            else original
        )
    return {
        "id": str(photo.pk),
        **original,
        "alt": photo.alt,
        "position": photo.position,
        "is_primary": photo.is_primary,
        "renditions": renditions,
    }


def product_get(*, product_id: UUID | str, include_inactive: bool = False) -> Product:
    product = product_list(include_inactive=include_inactive).filter(pk=product_id).first()
    if product is None:
        raise NotFound
    return product


def demo_cars_of_model(*, vehicle_id: Id) -> list[UUID]:
    """The showroom resources that are active demo cars of `vehicle_id`'s model (its
    `model_key`; the car itself where it has none), oldest first: a buyer test-drives a
    model, not the very car, as `test_drive_available` says."""
    key = Product.objects.filter(pk=vehicle_id).values_list("model_key", flat=True).first()
    cars = Product.objects.filter(model_key=key) if key else Product.objects.filter(pk=vehicle_id)
    demo_cars = DemoCar.objects.filter(product_id__in=cars.values("pk"), is_active=True)
    return list(demo_cars.order_by("created_at").values_list("resource_id", flat=True))


@dataclass(frozen=True)
class VehicleView:
    """A vehicle as another domain may see it (insurance prices it): data, not a model."""

    product_id: UUID
    make: str
    model: str
    year: int | None
    vin: str
    condition: str = ""
    mileage_km: int | None = None
    is_active: bool = True
    photos: int = 0


def vehicles_get(*, product_ids: Iterable[UUID]) -> dict[UUID, VehicleView]:
    """The vehicles (products with a VIN) among `product_ids`, on sale or not, by id."""
    rows = (
        Product.objects.filter(pk__in=list(product_ids), vin__isnull=False)
        .annotate(photo_count=Count("photos"))
        .values(
            "id", "make", "model", "year", "vin", "condition", "mileage_km", "is_active",
            "photo_count",
        )
    )  # fmt: skip
    vehicles = {}
    for row in rows:
        vin = row["vin"]
        assert vin is not None  # vin__isnull=False
        vehicles[row["id"]] = VehicleView(
            row["id"],
            row["make"],
            row["model"],
            row["year"],
            vin,
            condition=row["condition"],
            mileage_km=row["mileage_km"],
            is_active=row["is_active"],
            photos=row["photo_count"],
        )
    return vehicles


def vin_checked(*, vin: str) -> str:
    """`vin` as the catalog keeps it (ISO 3779: 17 characters, no I, O or Q, a North American
    one's check digit), or the ValidationError that says what is wrong: the same rules for
    every app that takes a VIN (a trade-in's)."""
    validate_vin(vin)
    return normalize_vin(vin)


def vin_in_stock(*, vin: str) -> bool:
    """Whether a vehicle of the catalog, on sale or not, has this VIN."""
    return Product.objects.filter(vin=normalize_vin(vin)).exists()


def vehicle_mileages(*, make: str, model: str, year: int) -> dict[UUID, int]:
    """The vehicles of a make, model and year the catalog has held, sold or not, with their
    mileage (0 for a new one): a trade-in's comparables (docs/tradein.md)."""
    rows = Product.objects.filter(
        make__iexact=make.strip(), model__iexact=model.strip(), year=year, vin__isnull=False
    ).values_list("pk", "mileage_km")
    return {pk: mileage or 0 for pk, mileage in rows}


# Fewer characters would match most of the fleet: a VIN is searched by its last four or more.
VIN_SEARCH_MIN_LENGTH = 4


def product_ids_matching_vin(*, term: str, limit: int = 500) -> list[UUID]:
    """The products whose VIN contains `term`, in any case: how the orders admin finds the
    orders of a vehicle by (part of) its VIN (docs/admin.md, "Lists")."""
    vin = normalize_vin(term)
    if len(vin) < VIN_SEARCH_MIN_LENGTH or not vin.isalnum():
        return []
    return list(Product.objects.filter(vin__icontains=vin).values_list("pk", flat=True)[:limit])


def product_stocks(*, product_ids: Collection[UUID | str]) -> dict[str, int]:
    """The current stock of each product, by id: one small read, on every cached product page
    (docs/api.md, "Lists"). In SQL of its own: building the ORM's query was a quarter of
    such a request's CPU."""
    if not product_ids:
        return {}
    pk = Product._meta.pk
    connection = connections[database_for_app("catalog")]
    ids = [pk.get_db_prep_value(pk.to_python(value), connection) for value in product_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, stock_quantity FROM {Product._meta.db_table} "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        return {str(pk.to_python(row_id)): stock for row_id, stock in cursor.fetchall()}


def reservation_order_ids_active_before(*, before: datetime) -> set[UUID]:
    """Orders that still hold stock reserved before `before`."""
    return set(
        StockReservation.objects.filter(
            status=ReservationStatus.ACTIVE, created_at__lt=before
        ).values_list("order_id", flat=True)
    )


# FACETS AND COMPARISON
# ------------------------------------------------------------------------------
# The facets' values in the reader's language; makes and models read as they are.
FACET_LABELS = {
    facet: dict(choices.choices)
    for facet, choices in {
        "body_type": BodyType,
        "fuel": Fuel,
        "transmission": Transmission,
        "drive": Drive,
        "condition": Condition,
        "color": Color,
    }.items()
}
# The numbers a listing shows the range of: their fields, named so in the answer.
RANGES = ["price", "year", "mileage_km", "power_hp"]
# The filters the facets take: the list's, but for its ordering.
FACET_PARAMETERS = frozenset(ProductFilter.base_filters) - {"ordering"}


def _vehicles_filter(params: MultiValueDict[str, str]) -> ProductFilter:
    """The list's filters over the vehicles on sale, validated."""
    filterset = ProductFilter(params, queryset=_vehicles_on_sale())
    if not filterset.is_valid():
        raise ApplicationError(
            _("Some filters are not valid."),
            code=CommonErrorCode.VALIDATION_ERROR,
            details={
                name: [str(error) for error in errors] for name, errors in filterset.errors.items()
            },
        )
    return filterset


def _vehicles_on_sale() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True, kind=ProductKind.VEHICLE)


def vehicle_list(*, params: MultiValueDict[str, str]) -> QuerySet[Product]:
    """The vehicles on sale matching the list's filters (`params`, as the API's list takes
    them, ordering too), the cars on the lot unless `in_stock` says otherwise; newest first
    unless ordered. Invalid filters are a validation error naming them."""
    params = params.copy()
    params.setdefault("in_stock", "true")
    filterset = _vehicles_filter(params)
    vehicles = filterset.qs
    if not vehicles.query.order_by:
        vehicles = vehicles.order_by("-created_at", "pk")
    return vehicles.select_related("category").prefetch_related("photos")


def vehicles_for_sitemap() -> QuerySet[Product]:
    """Every vehicle on sale, its id and when it last changed only: a sitemap's entries."""
    return _vehicles_on_sale().order_by("created_at", "pk").only("pk", "updated_at")


def vehicles_featured(*, limit: int) -> QuerySet[Product]:
    """The newest cars on the lot, with their photos."""
    return (
        _vehicles_on_sale()
        .filter(stock_quantity__gt=0)
        .order_by("-created_at", "pk")
        .prefetch_related("photos")[:limit]
    )


def vehicles_similar(*, vehicle: Product, limit: int) -> list[Product]:
    """Cars on the lot a buyer of `vehicle` may take instead: the same body type, the
    nearest in price first. The nearest `limit` on either side of its price, each side an
    ordered read of the index of the lot by body and price (catalog_vehicle_body_price)."""
    lot = (
        _vehicles_on_sale()
        .filter(stock_quantity__gt=0, body_type=vehicle.body_type)
        .exclude(pk=vehicle.pk)
        .values_list("pk", "price")
    )
    above = lot.filter(price__gte=vehicle.price).order_by("price", "pk")[:limit]
    below = lot.filter(price__lt=vehicle.price).order_by("-price", "-pk")[:limit]
    nearest = sorted(above.union(below, all=True), key=lambda row: abs(row[1] - vehicle.price))
    ids = [pk for pk, _price in nearest[:limit]]
    found = Product.objects.filter(pk__in=ids).prefetch_related("photos").in_bulk()
    return [found[pk] for pk in ids]


def vehicle_facets(*, params: MultiValueDict[str, str]) -> dict[str, Any]:
    """How many vehicles match `params`, and for each facet how many would match each of its
    values: every facet counted under every filter but its own, as shops count, so that a
    buyer sees what another choice would give. Only the cars on the lot count unless
    `in_stock` says otherwise. Two queries: the facets' counts in one (a union), the count
    and the ranges in the other."""
    params = params.copy()
    params.setdefault("in_stock", "true")
    filterset = _vehicles_filter(params)

    everything = filterset.queryset_without(None).order_by()

    def matching(without: str) -> QuerySet[Product]:
        """Under every filter but `without`'s: the same as all of them if it was not given."""
        if not filterset.form.cleaned_data.get(without):
            return everything
        return filterset.queryset_without(without).order_by()

    counted = [
        facet_values(matching(without=facet), facet)
        .annotate(facet=Value(facet), count=Count("*"))
        .values_list("facet", "value", "label", "count")
        for facet in FACETS
    ]
    facets: dict[str, list[dict[str, Any]]] = {facet: [] for facet in FACETS}
    for facet, value, named, count in counted[0].union(*counted[1:], all=True):
        label = named or FACET_LABELS.get(facet, {}).get(value, value)
        facets[facet].append({"value": value, "label": str(label), "count": count})
    for values in facets.values():
        values.sort(key=lambda item: (-item["count"], item["label"]))
    figures = everything.aggregate(
        count=Count("*"),
        **{f"{name}_min": Min(name) for name in RANGES},
        **{f"{name}_max": Max(name) for name in RANGES},
    )
    return {
        "count": figures["count"],
        "facets": facets,
        "ranges": {
            name: {"min": _figure(figures[f"{name}_min"]), "max": _figure(figures[f"{name}_max"])}
            for name in RANGES
        },
    }


def _figure(value: object) -> object:
    """A decimal as the API writes it, a string with its own places: `"2.0"` litres,
    `"3190000.00"` roubles (docs/api.md, "Money")."""
    return str(value) if isinstance(value, Decimal) else value


def field_label(name: str) -> str:
    """A product field's name as a reader sees it: "Кузов", "Мощность, л. с."."""
    field = Product._meta.get_field(name)
    assert isinstance(field, Field)  # a column of the product's own, not a relation's end
    return str(capfirst(field.verbose_name))


# What a comparison shows, in this order.
COMPARED = [
    "make",
    "model",
    "trim",
    "year",
    "condition",
    "body_type",
    "fuel",
    "engine_volume",
    "power_hp",
    "transmission",
    "drive",
    "color",
    "mileage_km",
    "owners_count",
    "price",
    "options",
]
MAX_COMPARED = 4


def vehicles_compared(*, ids: list[UUID]) -> tuple[list[Product], list[dict[str, Any]]]:
    """Up to four vehicles on sale, in the order asked, and their specifications side by
    side: each with its label, the vehicles' values and whether they differ."""
    vehicles = Product.objects.filter(
        pk__in=ids, is_active=True, kind=ProductKind.VEHICLE
    ).select_related("category")
    found = {vehicle.pk: vehicle for vehicle in vehicles}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ApplicationError(
            _("No vehicle on sale has the id %(ids)s.") % {"ids": ", ".join(missing)},
            code=CommonErrorCode.NOT_FOUND,
            status=404,
            details={"ids": missing},
        )
    ordered = [found[pk] for pk in ids]
    rows = []
    for name in COMPARED:
        values = [_figure(getattr(vehicle, name)) for vehicle in ordered]
        rows.append(
            {
                "field": name,
                "label": field_label(name),
                "values": values,
                "differs": len({repr(value) for value in values}) > 1,
            }
        )
    return ordered, rows
