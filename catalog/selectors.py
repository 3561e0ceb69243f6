"""Reads of the catalog."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict
from uuid import UUID

from django.db import connections
from django.db.models import QuerySet

from catalog.choices import ReservationStatus
from catalog.models import Category, Product, StockReservation
from catalog.validators import normalize_vin
from common.databases import database_for_app
from common.exceptions import NotFound


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


def product_list() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True).select_related("category")


def product_get(*, product_id: UUID | str) -> Product:
    product = product_list().filter(pk=product_id).first()
    if product is None:
        raise NotFound
    return product


@dataclass(frozen=True)
class VehicleView:
    """A vehicle as another domain may see it (insurance prices it): data, not a model."""

    product_id: UUID
    make: str
    model: str
    year: int | None
    vin: str


def vehicles_get(*, product_ids: Iterable[UUID]) -> dict[UUID, VehicleView]:
    """The vehicles (products with a VIN) among `product_ids`, sold or not, by id."""
    rows = Product.objects.filter(pk__in=list(product_ids), vin__isnull=False).values(
        "id", "make", "model", "year", "vin"
    )
    vehicles = {}
    for row in rows:
        vin = row["vin"]
        assert vin is not None  # vin__isnull=False
        vehicles[row["id"]] = VehicleView(row["id"], row["make"], row["model"], row["year"], vin)
    return vehicles


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
