"""Avito Autoload, format 3, for new and used cars (docs/feeds.md, "Avito"):
`<Ads formatVersion="3" target="Avito.ru"><Ad>…</Ad></Ads>`, one `Ad` per car, its `Id` the
car's own and never changing."""

from decimal import Decimal

from catalog.selectors.feeds import FeedVehicle
from integrations.choices import Misfit
from integrations.feeds import mappings as m
from integrations.feeds.selection import common_misfits, unmapped
from integrations.feeds.writing import XmlWriter
from integrations.models import Feed

REQUIRED = (
    "Id",
    "Address",
    "Category",
    "CarType",
    "Make",
    "Model",
    "Year",
    "VIN",
    "Price",
    "Description",
    "Images",
    "BodyType",
    "Color",
    "FuelType",
    "EngineSize",
    "Power",
    "Transmission",
    "DriveType",
    "WheelType",
    "Availability",
    "ContactPhone",
    "ManagerName",
)
REQUIRED_USED = ("Kilometrage", "Owners")
TABLES = {
    Misfit.BODY_TYPE: m.AVITO_BODY_TYPE,
    Misfit.FUEL: m.AVITO_FUEL_TYPE,
    Misfit.TRANSMISSION: m.AVITO_TRANSMISSION,
    Misfit.DRIVE: m.AVITO_DRIVE_TYPE,
    Misfit.COLOR: m.AVITO_COLOR,
}


def misfits(car: FeedVehicle) -> list[Misfit]:
    return common_misfits(car) + unmapped(car, TABLES)


def start(out: XmlWriter) -> None:
    out.open("Ads", formatVersion="3", target="Avito.ru")


def finish(out: XmlWriter) -> None:
    out.close("Ads")
    out.end()


def write(out: XmlWriter, car: FeedVehicle, feed: Feed, credit_discount: Decimal | None) -> None:
    """One car's `Ad`: with the dealer's credit discount, when one holds for it, as the
    discount with a loan and the largest discount (docs/feeds.md, "Discounts")."""
    showroom = car.showroom
    assert showroom is not None  # `misfits` left a car without one out
    with out.element("Ad"):
        out.text("Id", car.id)
        out.text("Address", f"{showroom.city}, {showroom.address}")
        out.text("Category", "Автомобили")
        out.text("CarType", m.AVITO_CAR_TYPE[car.condition])
        out.text("Make", car.make)
        out.text("Model", car.model)
        if car.trim:
            out.text("Modification", car.trim)
        out.text("Year", car.year)
        out.text("VIN", car.vin)
        out.text("Price", int(car.price))
        if credit_discount:
            out.text("CreditDiscount", int(credit_discount))
            out.text("MaxDiscount", int(credit_discount))
        out.text("Description", car.description or car.name)
        with out.element("Images"):
            for url in car.photos:
                out.empty("Image", url=url)
        out.text("BodyType", m.AVITO_BODY_TYPE[car.body_type])
        out.text("Color", m.AVITO_COLOR[car.color])
        out.text("FuelType", m.AVITO_FUEL_TYPE[car.fuel])
        out.text("EngineSize", car.engine_volume if car.engine_volume is not None else "0.0")
        out.text("Power", car.power_hp)
        out.text("Transmission", m.AVITO_TRANSMISSION[car.transmission])
        out.text("DriveType", m.AVITO_DRIVE_TYPE[car.drive])
        out.text("WheelType", "Левый")  # the catalog sells left-hand-drive cars only
        if car.condition == "used":
            out.text("Kilometrage", car.mileage_km)
            out.text("Owners", min(car.owners_count or 1, 4))
        out.text("Availability", "В наличии")
        out.text("ContactPhone", showroom.phone)
        out.text("ManagerName", feed.contact_name)
