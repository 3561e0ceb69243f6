"""Auto.ru's dealer feed (docs/feeds.md, "Auto.ru"): `<data><cars><car>…</car></cars></data>`,
one `car` per car, its `unique_id` the car's own and never changing."""

from decimal import Decimal

from catalog.selectors.feeds import FeedVehicle
from integrations.choices import Misfit
from integrations.feeds import mappings as m
from integrations.feeds.selection import common_misfits, unmapped
from integrations.feeds.writing import XmlWriter
from integrations.models import Feed

REQUIRED = (
    "mark_id",
    "folder_id",
    "modification_id",
    "body_type",
    "wheel",
    "color",
    "availability",
    "custom",
    "state",
    "year",
    "price",
    "currency",
    "vin",
    "unique_id",
    "description",
    "images",
    "contact_info",
)
REQUIRED_USED = ("run", "owners_number")
TABLES = {
    Misfit.BODY_TYPE: m.AUTORU_BODY_TYPE,
    Misfit.FUEL: m.AUTORU_ENGINE,
    Misfit.TRANSMISSION: m.AUTORU_TRANSMISSION,
    Misfit.COLOR: m.AUTORU_COLOR,
}


def misfits(car: FeedVehicle) -> list[Misfit]:
    return common_misfits(car) + unmapped(car, TABLES)


def start(out: XmlWriter) -> None:
    out.open("data")
    out.open("cars")


def finish(out: XmlWriter) -> None:
    out.close("cars")
    out.close("data")
    out.end()


def modification(car: FeedVehicle) -> str:
    """The modification as Auto.ru reads it: `1.6 AT (122 л.с.)`, `2.0d AT (190 л.с.)`."""
    volume = f"{car.engine_volume:.1f}" if car.engine_volume is not None else ""
    engine = f"{volume}{m.AUTORU_ENGINE[car.fuel]}".strip()
    return f"{engine} {m.AUTORU_TRANSMISSION[car.transmission]} ({car.power_hp} л.с.)"


def write(
    out: XmlWriter,
    car: FeedVehicle,
    feed: Feed,
    credit_discount: Decimal | None,
    *,
    url: str | None = None,
) -> None:
    """One car's `car`: with the dealer's credit discount, when one holds for it, as the
    discount with a loan and the largest discount (docs/feeds.md, "Discounts"); with `url`,
    the car's page on the dealer's site, for Yandex (`yandex.py`)."""
    showroom = car.showroom
    assert showroom is not None  # `misfits` left a car without one out
    with out.element("car"):
        out.text("mark_id", car.make)
        out.text("folder_id", car.model)
        out.text("modification_id", modification(car))
        out.text("url", url)
        if car.trim:
            out.text("complectation_name", car.trim)
        out.text("body_type", m.AUTORU_BODY_TYPE[car.body_type])
        out.text("wheel", "Левый")  # the catalog sells left-hand-drive cars only
        out.text("color", m.AUTORU_COLOR[car.color])
        out.text("availability", "в наличии")
        out.text("custom", "растаможен")
        out.text("state", "отличное")
        if car.condition == "used":
            owners = car.owners_count or 1
            out.text("owners_number", m.AUTORU_OWNERS.get(owners, m.AUTORU_OWNERS_MORE))
            out.text("run", car.mileage_km)
        out.text("year", car.year)
        out.text("price", int(car.price))
        out.text("currency", "RUR")
        if credit_discount:
            out.text("credit_discount", int(credit_discount))
            out.text("max_discount", int(credit_discount))
        out.text("vin", car.vin)
        out.text("unique_id", car.id)
        out.text("description", car.description or car.name)
        with out.element("images"):
            for url in car.photos:
                out.text("image", url)
        with out.element("contact_info"), out.element("contact"):
            out.text("name", feed.contact_name)
            out.text("phone", showroom.phone)
