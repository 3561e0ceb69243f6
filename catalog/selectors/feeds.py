"""The cars the classifieds' feeds may publish (docs/feeds.md): every active, priced car in
stock, with what a feed states of it and of its showroom, read in batches so that a catalog
of tens of thousands of cars is written without holding it in memory."""

from collections.abc import Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any
from uuid import UUID

from catalog.choices import ProductKind
from catalog.models import Location, Product, ProductPhoto
from catalog.selectors import media_url

BATCH = 2000


@dataclass(frozen=True)
class FeedShowroom:
    name: str
    city: str
    address: str
    phone: str


@dataclass(frozen=True)
class FeedVehicle:
    """A car as a feed states it: the catalog's own codes (a feed maps them), its photos'
    large renditions as absolute addresses, its showroom's contacts (None: none yet)."""

    id: UUID
    name: str
    description: str
    price: Decimal
    currency: str
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
    owners_count: int | None
    city: str
    showroom: FeedShowroom | None
    photos: tuple[str, ...]


# The product's columns a feed reads: FeedVehicle's own, and where the car stands.
FIELDS = (
    *(field.name for field in fields(FeedVehicle) if field.name not in ("showroom", "photos")),
    "showroom_id",
)


def feed_vehicles(*, showroom_id: UUID | None = None) -> Iterator[FeedVehicle]:
    """Every car a feed may publish (of one showroom, or of all), oldest first."""
    cars = Product.objects.filter(
        kind=ProductKind.VEHICLE, is_active=True, stock_quantity__gt=0, price__gt=0
    )
    if showroom_id is not None:
        cars = cars.filter(showroom_id=showroom_id)
    showrooms = {
        row.pk: FeedShowroom(row.name, row.city, row.address, row.phone)
        for row in Location.objects.filter(is_active=True)
    }
    last: tuple[Any, UUID] | None = None
    while True:
        page = cars.order_by("created_at", "id")
        if last is not None:
            page = page.filter(created_at__gte=last[0]).exclude(created_at=last[0], id__lte=last[1])
        rows = list(page.values(*FIELDS, "created_at")[:BATCH])
        if not rows:
            return
        photos = _large_photos([row["id"] for row in rows])
        for row in rows:
            created_at = row.pop("created_at")
            showroom = showrooms.get(row.pop("showroom_id"))
            yield FeedVehicle(**row, showroom=showroom, photos=tuple(photos.get(row["id"], ())))
        last = (created_at, rows[-1]["id"])


def _large_photos(product_ids: list[UUID]) -> dict[UUID, list[str]]:
    """Each car's photos, primary first: the large rendition's address, or the checked
    original's until a worker has drawn it."""
    photos: dict[UUID, list[str]] = {}
    rows = (
        ProductPhoto.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "-is_primary", "position", "created_at")
        .values_list("product_id", "image", "renditions")
    )
    for product_id, image, renditions in rows:
        large = (renditions or {}).get("large")
        photos.setdefault(product_id, []).append(media_url(large["name"] if large else image))
    return photos
