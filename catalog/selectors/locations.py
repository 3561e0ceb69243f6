"""Where the cars stand (docs/showrooms.md): the listing's city and showroom facets with the
showrooms' names, and the cars that stand nowhere yet."""

from typing import Any
from uuid import UUID

from django.db import DatabaseError
from django.db.models import F, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce

from catalog.choices import ProductKind
from catalog.filters import FACET_FIELDS
from catalog.models import Location, Product
from common.types import Id


def facet_values(vehicles: QuerySet[Product], facet: str) -> QuerySet[Product, Any]:
    """The vehicles that state `facet`, its value as `value` and, for a showroom, its name as
    `label` (`Location`, in the same query); empty where the value names itself."""
    field = FACET_FIELDS.get(facet, facet)
    if field == "showroom_id":
        name = Location.objects.filter(pk=OuterRef("showroom_id")).values("name")[:1]
        return vehicles.exclude(showroom_id=None).values(
            value=Cast(field, TextField()), label=Coalesce(Subquery(name), Value(""))
        )
    return vehicles.exclude(**{field: ""}).values(value=F(field), label=Value(""))


def vehicles_unplaced() -> list[tuple[str, str]]:
    """(id, make) of each car that stands in no showroom yet."""
    unplaced = Product.objects.filter(kind=ProductKind.VEHICLE, showroom_id=None)
    return [
        (str(pk), make)
        for pk, make in unplaced.order_by("created_at", "pk").values_list("pk", "make")
    ]


def cars_unplaced_report() -> dict[str, str]:
    """For `/health/components` (`records:cars_without_showroom`): every car stands in a
    showroom from its creation (docs/showrooms.md, "Where each car is"); one that somehow
    stands nowhere is left out of the feeds and of every manager's scope, so it is reported
    (the product admin's "Where it stands: nowhere" lists them). Not counted while the group
    has no showroom at all."""
    try:
        if not Location.objects.exists():
            return {"status": "up", "cars": "0"}
        count = Product.objects.filter(kind=ProductKind.VEHICLE, showroom_id=None).count()
    except DatabaseError:  # the catalog's database is down: its own check says so
        return {"status": "unknown", "cars": "unknown"}
    return {"status": "up" if count == 0 else "degraded", "cars": str(count)}


def showroom_ids_in(*, city: str) -> list[UUID]:
    """The group's showrooms open to buyers in `city`; none for no city, or one without."""
    if not city:
        return []
    return list(Location.objects.filter(city=city, is_active=True).values_list("pk", flat=True))


def cities() -> list[str]:
    """The cities of the group's showrooms open to buyers, in the alphabet's order."""
    return list(
        Location.objects.filter(is_active=True)
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    )


def vehicle_showroom_id(*, vehicle_id: Id) -> UUID | None:
    """The showroom a car stands in, if any."""
    return Product.objects.filter(pk=vehicle_id).values_list("showroom_id", flat=True).first()
