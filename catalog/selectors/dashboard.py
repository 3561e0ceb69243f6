"""The catalog's figures for the dashboard: aggregated in SQL on the `catalog` database,
one query per figure (docs/dashboard.md, "What each figure counts")."""

from typing import Any, TypedDict
from uuid import UUID

from django.db.models import CharField, Count, Min, Sum, UUIDField, Value

from catalog.choices import Condition, ProductKind
from catalog.models import Product
from common.figures import EVERY_SHOWROOM, Period, ShowroomPick, scoped, windowed


class LowStock(TypedDict):
    id: UUID | None  # an accessory's; a model of cars has several
    name: str
    model_key: str  # a model of cars'; "" for an accessory
    stock_quantity: int


def low_stock(
    *, threshold: int, limit: int = 20, showroom: ShowroomPick = EVERY_SHOWROOM
) -> list[LowStock]:
    """What runs low, `threshold` or fewer left, the scarcest first: an accessory by its
    count, and a model of cars (its `model_key`) by how many of its cars are on the lot, a
    car being one unit (docs/api.md, "Vehicles"). One query. Stock belongs to the
    dealership, not to a manager's clients: everyone sees the same; a showroom's, what stands
    in it (an accessory stands nowhere: the group's own)."""
    on_sale = scoped(Product.objects.filter(is_active=True), None, showroom=showroom)
    accessories = (
        on_sale.filter(kind=ProductKind.ACCESSORY, stock_quantity__lte=threshold)
        .annotate(key=Value("", output_field=CharField()), left=Sum("stock_quantity"))
        .values_list("id", "name", "key", "left")
    )
    models = (
        on_sale.filter(kind=ProductKind.VEHICLE)
        .exclude(model_key="")
        .values("model_key")
        .annotate(
            no_id=Value(None, output_field=UUIDField()),
            first_name=Min("name"),
            left=Sum("stock_quantity"),
        )
        .filter(left__lte=threshold)
        .values_list("no_id", "first_name", "model_key", "left")
    )
    rows = sorted(accessories.union(models, all=True), key=lambda row: (row[3], row[1]))
    return [
        {"id": id, "name": name, "model_key": key, "stock_quantity": left}
        for id, name, key, left in rows[:limit]
    ]


def used_bought(
    *, periods: list[Period], currency: str, showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, dict[str, Any]]:
    """The used cars the dealership bought into stock (trade-ins) in each window: how many,
    and what it paid for them. Stock is the dealership's: everyone sees the same. One
    query."""
    bought = Product.objects.filter(
        kind=ProductKind.VEHICLE,
        condition=Condition.USED,
        purchase_price__isnull=False,
        currency=currency,
    )
    return windowed(
        scoped(bought, None, showroom=showroom),
        periods,
        count=("created_at", lambda q: Count("pk", filter=q)),
        paid=("created_at", lambda q: Sum("purchase_price", filter=q)),
    )
