"""What a feed publishes (docs/feeds.md, "What is published"): the catalog's cars on sale of
its showroom (or of every one), each either written in the feed's format or left out with
the reasons its format gives."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from catalog.selectors.feeds import FeedVehicle, feed_vehicles
from integrations.choices import Misfit
from integrations.feeds.writing import XmlWriter
from integrations.models import Feed


class Format(Protocol):
    """A classified's format: one module each (avito.py, autoru.py, yandex.py)."""

    # The elements every car carries, and those a used car carries too (docs/feeds.md).
    REQUIRED: tuple[str, ...]
    REQUIRED_USED: tuple[str, ...]

    def misfits(self, car: FeedVehicle) -> list[Misfit]: ...

    def start(self, out: XmlWriter) -> None: ...

    def write(
        self, out: XmlWriter, car: FeedVehicle, feed: Feed, credit_discount: Decimal | None
    ) -> None: ...

    def finish(self, out: XmlWriter) -> None: ...


@dataclass(frozen=True)
class LeftOut:
    car: FeedVehicle
    reasons: list[Misfit]


def common_misfits(car: FeedVehicle) -> list[Misfit]:
    """What every site requires of a car: its photos, VIN, make and model, year, engine,
    whether it is new, a used car's mileage, and a showroom buyers can find and call."""
    reasons = []
    if not car.photos:
        reasons.append(Misfit.NO_PHOTO)
    if not car.vin:
        reasons.append(Misfit.NO_VIN)
    if not (car.make and car.model):
        reasons.append(Misfit.NO_MAKE)
    if car.year is None:
        reasons.append(Misfit.NO_YEAR)
    if (car.engine_volume is None and car.fuel != "electric") or car.power_hp is None:
        reasons.append(Misfit.NO_ENGINE)
    if car.condition not in ("new", "used"):
        reasons.append(Misfit.CONDITION)
    if car.condition == "used" and car.mileage_km is None:
        reasons.append(Misfit.NO_MILEAGE)
    if car.showroom is None or not (car.showroom.address and car.showroom.phone):
        reasons.append(Misfit.NO_SHOWROOM)
    return reasons


def unmapped(car: FeedVehicle, tables: dict[Misfit, dict[str, str]]) -> list[Misfit]:
    """The car's values that a site's tables have no word for."""
    return [misfit for misfit, table in tables.items() if getattr(car, misfit.value) not in table]


def sort_out(feed: Feed, format: Format) -> Iterator[FeedVehicle | LeftOut]:
    """Each car on sale the feed covers: the car to publish, or what leaves it out."""
    for car in feed_vehicles(showroom_id=feed.showroom_id):
        reasons = format.misfits(car)
        yield LeftOut(car, reasons) if reasons else car
