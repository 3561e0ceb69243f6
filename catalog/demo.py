"""Demo catalog for `manage.py seed_demo`: a tree of categories, the new cars on the lot, used
cars taken in, and accessories. Every car is one product with its own valid VIN and a
believable specification, the same on every fresh clone (a fixed seed). The models stocked
by the dozen are what the 90 days of demo history sell (demo/history.py); the few of
each above them are the small demo's."""

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from catalog import services
from catalog.choices import Color
from catalog.demo_pictures import HEIGHT, VIEWS, WIDTH, picture, webp
from catalog.models import Category, Product, ProductPhoto
from catalog.validators import vin_check_digit
from catalog.vin_decode import YEAR_CODE_CYCLE_START, YEAR_CODES
from common.images import RENDITIONS

SEED = 20261126

# Categories by name, each with its subcategories.
Tree: TypeAlias = dict[str, "Tree"]

TREE: Tree = {
    "Автомобили": {
        "Седаны": {},
        "Внедорожники": {"Компактные кроссоверы": {}},
        "Хэтчбеки и универсалы": {},
        "Минивэны и фургоны": {},
        "Пикапы": {},
        "Купе и кабриолеты": {},
    },
    "Аксессуары": {},
}


@dataclass(frozen=True)
class DemoModel:
    """A model and trim as the dealership stocks it: `units` cars of it, new or used."""

    category: str
    name: str
    make: str
    model: str
    trim: str
    year: int
    price: str
    units: int
    body_type: str
    fuel: str
    engine_volume: str | None
    power_hp: int
    transmission: str
    drive: str
    wmi: str  # the manufacturer's identifier its VINs begin with
    options: tuple[str, ...] = ()
    used: bool = False
    colors: tuple[str, ...] = field(default=())


COMFORT = ("Кондиционер", "Подогрев передних сидений", "Круиз-контроль", "Датчик дождя")
MEDIA = ("Мультимедиа с Apple CarPlay и Android Auto", "Камера заднего вида", "Bluetooth")
PREMIUM = (
    "Кожаный салон",
    "Вентиляция передних сидений",
    "Панорамная крыша",
    "Камеры кругового обзора",
    "Адаптивный круиз-контроль",
    "Электропривод багажника",
)
WINTER = ("Подогрев руля", "Подогрев лобового стекла", "Подогрев задних сидений")
SAFETY = ("6 подушек безопасности", "Система курсовой устойчивости", "Контроль слепых зон")

# New cars. Those of 8 or more units are what the demo history sells.
NEW = [
    DemoModel("Седаны", "Lada Vesta 1.6", "Lada", "Vesta", "Comfort", 2025, "1390000.00", 60,
              "sedan", "petrol", "1.6", 106, "manual", "fwd", "XTA", COMFORT[:2] + MEDIA[1:]),
    DemoModel("Седаны", "Kia K5 2.5", "Kia", "K5", "Prestige", 2024, "3190000.00", 24,
              "sedan", "petrol", "2.5", 194, "automatic", "fwd", "KNA", COMFORT + MEDIA + WINTER),
    DemoModel("Компактные кроссоверы", "Chery Tiggo 7 Pro Max", "Chery", "Tiggo 7 Pro Max", "Prestige",
              2025, "2790000.00", 80, "crossover", "petrol", "1.5", 147, "cvt", "fwd", "LVV",
              COMFORT + MEDIA + PREMIUM[2:4]),
    DemoModel("Компактные кроссоверы", "Geely Coolray", "Geely", "Coolray", "Flagship", 2024,
              "2349000.00", 60, "crossover", "petrol", "1.5", 150, "robot", "fwd", "L6T",
              COMFORT + MEDIA + SAFETY[:2]),
    DemoModel("Внедорожники", "Geely Monjaro", "Geely", "Monjaro", "Exclusive", 2025, "4390000.00", 15,
              "crossover", "petrol", "2.0", 238, "automatic", "awd", "L6T",
              COMFORT + MEDIA + PREMIUM + WINTER),
    DemoModel("Внедорожники", "Haval F7", "Haval", "F7", "Tech Plus", 2024, "2899000.00", 45,
              "crossover", "petrol", "2.0", 190, "robot", "awd", "LGW",
              COMFORT + MEDIA + WINTER[:2] + SAFETY),
    DemoModel("Внедорожники", "Toyota RAV4 2.0", "Toyota", "RAV4", "Prestige", 2024, "3990000.00", 12,
              "crossover", "petrol", "2.0", 149, "cvt", "awd", "JTM",
              COMFORT + MEDIA + SAFETY + PREMIUM[3:5]),
    DemoModel("Седаны", "Toyota Camry 2.5", "Toyota", "Camry", "Luxury", 2024, "3450000.00", 3,
              "sedan", "petrol", "2.5", 200, "automatic", "fwd", "JTN",
              COMFORT + MEDIA + PREMIUM[:2]),
    DemoModel("Седаны", "Skoda Octavia 1.4 TSI", "Skoda", "Octavia", "Style", 2023,
              "2590000.00", 5, "liftback", "petrol", "1.4", 150, "robot", "fwd", "TMB",
              COMFORT + MEDIA),
    DemoModel("Компактные кроссоверы", "Haval Jolion", "Haval", "Jolion", "Premium", 2024, "2299000.00",
              4, "crossover", "petrol", "1.5", 143, "robot", "fwd", "LGW", COMFORT + MEDIA[:2]),
    DemoModel("Внедорожники", "Changan UNI-K", "Changan", "UNI-K", "Tech", 2025, "3749000.00", 4,
              "crossover", "petrol", "2.0", 226, "automatic", "awd", "LS5",
              COMFORT + MEDIA + PREMIUM[:4]),
    DemoModel("Компактные кроссоверы", "Omoda C5", "Omoda", "C5", "Ultimate", 2025, "2449000.00", 4,
              "crossover", "petrol", "1.5", 147, "cvt", "fwd", "LVV", COMFORT + MEDIA),
]  # fmt: skip

# Used cars taken in, two of each: year, mileage and owners vary from car to car.
USED = [
    DemoModel("Седаны", "Hyundai Solaris 1.6", "Hyundai", "Solaris", "Active", 2018,
              "1150000.00", 2, "sedan", "petrol", "1.6", 123, "automatic", "fwd", "Z94",
              COMFORT[:1] + MEDIA[2:], used=True),
    DemoModel("Хэтчбеки и универсалы", "Kia Rio X 1.6", "Kia", "Rio X", "Prestige", 2020,
              "1450000.00", 2, "hatchback", "petrol", "1.6", 123, "automatic", "fwd", "Z94",
              COMFORT[:2] + MEDIA[:2], used=True),
    DemoModel("Седаны", "Volkswagen Polo 1.6", "Volkswagen", "Polo", "Status", 2021,
              "1590000.00", 2, "liftback", "petrol", "1.6", 110, "automatic", "fwd", "XW8",
              COMFORT[:3], used=True),
    DemoModel("Внедорожники", "Lada Niva Legend", "Lada", "Niva Legend", "Luxe", 2022, "890000.00", 2,
              "suv", "petrol", "1.7", 83, "manual", "awd", "XTA", COMFORT[:1], used=True),
    DemoModel("Хэтчбеки и универсалы", "Lada Granta 1.6 LPG", "Lada", "Granta", "Classic",
              2019, "620000.00", 2, "liftback", "lpg", "1.6", 87, "manual", "fwd", "XTA",
              (), used=True),
    DemoModel("Внедорожники", "Toyota Land Cruiser Prado 2.8D", "Toyota", "Land Cruiser Prado",
              "Prestige", 2019, "4900000.00", 2, "suv", "diesel", "2.8", 177, "automatic",
              "awd", "JTE", COMFORT + MEDIA + PREMIUM[:2] + WINTER[:1], used=True),
    DemoModel("Внедорожники", "BMW X5 xDrive30d", "BMW", "X5", "M Sport", 2020, "6400000.00", 2,
              "suv", "diesel", "3.0", 249, "automatic", "awd", "WBA",
              COMFORT + MEDIA + PREMIUM + WINTER, used=True),
    DemoModel("Седаны", "Mercedes-Benz E 200", "Mercedes-Benz", "E-Class", "Avantgarde",
              2019, "3900000.00", 2, "sedan", "petrol", "2.0", 197, "automatic", "rwd", "WDD",
              COMFORT + MEDIA + PREMIUM[:3], used=True),
    DemoModel("Седаны", "Tesla Model 3 Long Range", "Tesla", "Model 3", "Long Range", 2021,
              "3600000.00", 2, "sedan", "electric", None, 351, "automatic", "awd", "5YJ",
              COMFORT + PREMIUM[2:5], used=True),
    DemoModel("Хэтчбеки и универсалы", "Toyota Prius Hybrid", "Toyota", "Prius", "Touring",
              2018, "2100000.00", 2, "liftback", "hybrid", "1.8", 122, "cvt", "fwd", "JTD",
              COMFORT + MEDIA[1:], used=True),
    DemoModel("Компактные кроссоверы", "Nissan Qashqai 2.0", "Nissan", "Qashqai", "LE+", 2020,
              "2050000.00", 2, "crossover", "petrol", "2.0", 144, "cvt", "awd", "SJN",
              COMFORT + MEDIA, used=True),
    DemoModel("Компактные кроссоверы", "Mazda CX-5 2.5", "Mazda", "CX-5", "Supreme", 2019,
              "2450000.00", 2, "crossover", "petrol", "2.5", 194, "automatic", "awd", "JMZ",
              COMFORT + MEDIA + WINTER[:1], used=True),
    DemoModel("Внедорожники", "Lexus RX 300", "Lexus", "RX", "Premium", 2019, "4500000.00", 2,
              "crossover", "petrol", "2.0", 238, "automatic", "awd", "JTJ",
              COMFORT + MEDIA + PREMIUM, used=True),
    DemoModel("Внедорожники", "Skoda Kodiaq 2.0 TSI", "Skoda", "Kodiaq", "Style", 2021, "3150000.00",
              2, "suv", "petrol", "2.0", 180, "robot", "awd", "TMB",
              COMFORT + MEDIA + WINTER, used=True),
    DemoModel("Хэтчбеки и универсалы", "Audi A6 Avant 45 TFSI", "Audi", "A6", "Avant Sport",
              2019, "3700000.00", 2, "wagon", "petrol", "2.0", 245, "robot", "awd", "WAU",
              COMFORT + MEDIA + PREMIUM[:4], used=True),
    DemoModel("Купе и кабриолеты", "BMW 430i Coupe", "BMW", "4 Series", "M Sport", 2021,
              "4300000.00", 2, "coupe", "petrol", "2.0", 249, "automatic", "rwd", "WBA",
              COMFORT + MEDIA + PREMIUM[:2], used=True),
    DemoModel("Купе и кабриолеты", "Mini Cooper S Cabrio", "Mini", "Cooper", "S Cabrio",
              2018, "2600000.00", 2, "convertible", "petrol", "2.0", 192, "automatic", "fwd",
              "WMW", COMFORT[:3] + MEDIA[2:], used=True),
    DemoModel("Минивэны и фургоны", "Kia Carnival 2.2D", "Kia", "Carnival", "Luxe", 2021,
              "4200000.00", 2, "minivan", "diesel", "2.2", 199, "automatic", "fwd", "KNA",
              COMFORT + MEDIA + WINTER[:1], used=True),
    DemoModel("Минивэны и фургоны", "Volkswagen Transporter 2.0 TDI", "Volkswagen",
              "Transporter", "Kasten", 2019, "2900000.00", 2, "van", "diesel", "2.0", 150,
              "manual", "fwd", "WV1", COMFORT[:1], used=True),
    DemoModel("Пикапы", "Toyota Hilux 2.8D", "Toyota", "Hilux", "Prestige", 2020,
              "4100000.00", 2, "pickup", "diesel", "2.8", 177, "automatic", "awd", "MR0",
              COMFORT + MEDIA, used=True),
]  # fmt: skip

ACCESSORIES = [
    ("Коврики в салон всесезонные", "6500.00", 80),
    ("Зимние шины, комплект из 4", "48000.00", 12),
    ("Видеорегистратор с GPS", "12900.00", 120),
    ("Автобокс на крышу, 420 л", "32000.00", 40),
    ("Детское автокресло, 9–36 кг", "18500.00", 50),
]

# How often each colour comes off a Russian lot, roughly.
COLOR_WEIGHTS = {
    Color.WHITE: 25,
    Color.BLACK: 20,
    Color.SILVER: 14,
    Color.GREY: 16,
    Color.BLUE: 8,
    Color.RED: 7,
    Color.BROWN: 3,
    Color.BEIGE: 2,
    Color.GREEN: 3,
    Color.ORANGE: 1,
    Color.YELLOW: 1,
}
VIN_SERIAL_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vehicle_count() -> int:
    return sum(model.units for model in NEW + USED)


def vin_make(wmi: str, year: int, rng: random.Random, serial: int) -> str:
    """A VIN as its manufacturer would write it: the identifier, a descriptor, the check
    digit (ISO 3779), the model-year code, a plant and a serial number."""
    descriptor = "".join(rng.choice(VIN_SERIAL_CHARS) for _ in range(5))
    year_code = YEAR_CODES[(year - YEAR_CODE_CYCLE_START) % len(YEAR_CODES)]
    tail = f"{year_code}{rng.choice('ABCDEFGHJK')}{serial:06d}"
    draft = f"{wmi}{descriptor}0{tail}"
    return f"{draft[:8]}{vin_check_digit(draft)}{draft[9:]}"


def units(rng: random.Random) -> Iterator[tuple[DemoModel, dict]]:
    """Every car of the demo, with what varies from one car of a model to the next."""
    serial = 100_000
    colors, weights = list(COLOR_WEIGHTS), list(COLOR_WEIGHTS.values())
    for model in NEW + USED:
        for _ in range(model.units):
            serial += 1
            year = model.year - rng.randint(0, 2) if model.used else model.year
            age = 2026 - year
            car = {
                "year": year,
                "vin": vin_make(model.wmi, year, rng, serial),
                "color": rng.choices(colors, weights=weights)[0],
                "condition": "used" if model.used else "new",
                "mileage_km": rng.randint(9_000, 21_000) * age if model.used else 0,
                "owners_count": rng.randint(1, 3) if model.used else None,
                "price": Decimal(model.price)
                - (Decimal(rng.randint(0, 12) * 10_000) if model.used else 0),
            }
            yield model, car


def _category(name: str, parent: Category | None = None) -> Category:
    existing = Category.objects.filter(name=name, parent=parent).first()
    return existing or services.category_create(name=name, parent=parent)


def _tree(nodes: Tree, parent: Category | None = None) -> dict[str, Category]:
    made = {}
    for name, children in nodes.items():
        made[name] = _category(name, parent)
        made.update(_tree(children, made[name]))
    return made


def seed(stdout) -> None:
    categories = _tree(TREE)
    with transaction.atomic(using="catalog"):  # one commit for the stock, not one per car
        _stock(categories)
    pictures = pictures_seed()
    stdout.write(
        f"  {Category.objects.count()} categories, {Product.objects.count()} products, "
        f"{pictures} pictures"
    )


def _stock(categories: dict[str, Category]) -> None:
    rng = random.Random(SEED)
    for model, car in units(rng):
        if Product.objects.filter(vin=car["vin"]).exists():
            continue
        services.product_create(
            name=model.name,
            description=_description(model, car),
            category=categories[model.category],
            stock_quantity=1,
            make=model.make,
            model=model.model,
            trim=model.trim,
            body_type=model.body_type,
            fuel=model.fuel,
            engine_volume=Decimal(model.engine_volume) if model.engine_volume else None,
            power_hp=model.power_hp,
            transmission=model.transmission,
            drive=model.drive,
            options=list(model.options),
            **car,
        )
    for name, price, stock in ACCESSORIES:
        if not Product.objects.filter(name=name).exists():
            services.product_create(
                name=name,
                price=Decimal(price),
                stock_quantity=stock,
                category=categories["Аксессуары"],
            )


VIEW_NAMES = {
    "side": "вид сбоку",
    "front": "вид спереди",
    "rear": "вид сзади",
    "side-right": "вид справа",
    "wheel": "колесо",
    "top": "вид сверху",
}


def pictures_seed() -> int:
    """3 to 6 drawn pictures of every demo car that has none, marked as illustrations in
    their `alt`. A picture depends on the body, the colour and the view only: each is drawn
    and stored once, with its renditions, and the cars share the files (`photo_delete`
    removes a file only when no photo uses it). Returns how many photos it attached."""
    stored: dict[tuple[str, str, str], dict] = {}
    photos = []
    cars = Product.objects.filter(kind="vehicle", photos__isnull=True).order_by("created_at")
    for car in cars:
        count = 3 + int(hashlib.md5(str(car.vin or car.pk).encode()).hexdigest()[:4], 16) % 4
        for position, view in enumerate(VIEWS[:count]):
            key = (car.body_type or "sedan", car.color or "other", view)
            if key not in stored:
                stored[key] = _picture_stored(*key)
            files = stored[key]
            photos.append(
                ProductPhoto(
                    product=car,
                    image=files["image"],
                    width=WIDTH,
                    height=HEIGHT,
                    alt=f"Иллюстрация, не фото: {car.name}, {VIEW_NAMES[view]}",
                    position=position,
                    is_primary=position == 0,
                    renditions=files["renditions"],
                )
            )
    ProductPhoto.objects.bulk_create(photos, batch_size=500)
    return len(photos)


def _picture_stored(body: str, color: str, view: str) -> dict:
    """The picture and its renditions in storage (drawn unless already there). The
    picture is narrower than the large rendition, which is the picture itself."""
    stem = f"demo/{body}-{color}-{view}"
    renditions = {"large": {"name": f"{stem}.webp", "width": WIDTH, "height": HEIGHT}}
    files: dict[str, int | None] = {f"{stem}.webp": None}
    for size, width in RENDITIONS.items():
        if width < WIDTH:
            files[f"{stem}-{size}.webp"] = width
            renditions[size] = {
                "name": f"{stem}-{size}.webp",
                "width": width,
                "height": round(HEIGHT * width / WIDTH),
            }
    missing = {name: width for name, width in files.items() if not default_storage.exists(name)}
    if missing:
        drawn = picture(body, color, view)
        for name, scaled_to in missing.items():
            default_storage.save(name, ContentFile(webp(drawn, scaled_to)[0]))
    return {"image": f"{stem}.webp", "renditions": renditions}


def _description(model: DemoModel, car: dict) -> str:
    if model.used:
        return (
            f"{model.make} {model.model} {car['year']} года с пробегом {car['mileage_km']} км, "
            f"владельцев по ПТС: {car['owners_count']}. Проверен по 120 пунктам, "
            "юридически чист, с историей обслуживания."
        )
    return (
        f"Новый {model.make} {model.model} в комплектации {model.trim} из наличия в салоне, "
        "с гарантией производителя."
    )
