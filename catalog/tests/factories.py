"""Factories of the catalog. Categories go through `services.category_create`, so that their
`path` and `level` are what the application itself would store."""

import io
from decimal import Decimal
from typing import Any

import factory
from PIL import ExifTags, Image

from catalog import services
from catalog.models import Category, Product
from catalog.search import search_fields_prepare
from catalog.validators import vin_check_digit

# Valid VINs: two North American ones with the right check digit, and a European one.
VALID_VIN = "1M8GDM9AXKP042788"
OTHER_VALID_VIN = "1G4AH59H45G118341"


class CategoryFactory(factory.Factory):
    """`CategoryFactory(parent=root)` creates a child of `root`; the service computes
    `path` and `level`."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    description = ""
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.category_create(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        database = "catalog"

    # Typed loosely: VehicleFactory declares them otherwise.
    name: Any = factory.Sequence(lambda n: f"Product {n}")
    description = ""
    price = Decimal("1000000.00")
    category = factory.SubFactory(CategoryFactory)
    make = ""
    model = ""
    year: Any = None
    vin: Any = None
    # A product with a VIN is a vehicle: one car, in stock or not.
    kind = factory.LazyAttribute(lambda product: "vehicle" if product.vin else "accessory")
    stock_quantity = factory.LazyAttribute(lambda product: 1 if product.vin else 5)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved with its search fields, as the service saves every product."""
        product = model_class(*args, **kwargs)
        search_fields_prepare(product)
        product.save(using="catalog")
        return product


def vin_of(wmi: str, year_code: str, serial: int = 1) -> str:
    """A VIN of manufacturer `wmi` with model-year code `year_code` and a right check digit."""
    draft = f"{wmi}ABCDE0{year_code}A{serial:06d}"
    return f"{draft[:8]}{vin_check_digit(draft)}{draft[9:]}"


class VehicleFactory(ProductFactory):
    """A car on the lot with a whole specification: a new white Kia K5 unless told."""

    name = factory.LazyAttribute(lambda car: f"{car.make} {car.model}")
    price = Decimal("3190000.00")
    make = "Kia"
    model = "K5"
    trim = "Prestige"
    year = 2024
    vin = factory.Sequence(lambda n: vin_of("KNA", "R", serial=n + 1))
    condition = "new"
    body_type = "sedan"
    fuel = "petrol"
    engine_volume = Decimal("2.5")
    power_hp = 194
    transmission = "automatic"
    drive = "fwd"
    color = "white"
    mileage_km = 0


def vehicle(**fields) -> Product:
    """A car made through `services.product_create`, as staff make one: a new white Kia K5
    unless `fields` say otherwise."""
    defaults = {
        "name": "Kia K5 2.5",
        "price": Decimal("3190000.00"),
        "category": CategoryFactory(),
        "make": "Kia",
        "model": "K5",
        "trim": "Prestige",
        "year": 2024,
        "vin": vin_of("KNA", "R"),
        "stock_quantity": 1,
        "condition": "new",
        "body_type": "sedan",
        "fuel": "petrol",
        "engine_volume": Decimal("2.5"),
        "power_hp": 194,
        "transmission": "automatic",
        "drive": "fwd",
        "color": "white",
    }
    return services.product_create(**{**defaults, **fields})


def jpeg(width=1200, height=800, *, gps=False, color="steelblue") -> bytes:
    """A photo as a phone takes it: a JPEG with its maker in the EXIF, and where it was
    taken if `gps`."""
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if gps:
        location = exif.get_ifd(ExifTags.IFD.GPSInfo)
        location[ExifTags.GPS.GPSLatitudeRef] = "N"
        location[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 21.0)
        location[ExifTags.GPS.GPSLongitudeRef] = "E"
        location[ExifTags.GPS.GPSLongitude] = (37.0, 37.0, 4.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def category_chain(depth: int) -> list[Category]:
    """A root with one descendant on each level: `depth` categories, levels 0..depth-1."""
    chain: list[Category] = [CategoryFactory.create()]
    for _ in range(depth - 1):
        chain.append(CategoryFactory.create(parent=chain[-1]))
    return chain


def stock_of(product) -> int:
    """The product's stock as the database holds it now."""
    return Product.objects.values_list("stock_quantity", flat=True).get(pk=product.pk)
