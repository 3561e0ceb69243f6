"""The goods of a sample catalog as 1C's nomenclature holds them: cars of real makes and
models with every property filled in and a VIN that agrees with them (catalog/vin_decode.py),
parts and accessories with their makers' articles, and each good's offers (a price, the stock
in each warehouse; two offers for a part sold in two versions). Random, from a seed."""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from onec.samples.names import (
    GROUP_ACCESSORIES,
    GROUP_NEW_CARS,
    GROUP_PARTS,
    GROUP_USED_CARS,
    feature_id,
    good_id,
)

# Makes, each with its world manufacturer identifier (one catalog/vin_decode.py's
# MAKES_BY_WMI gives to it), its trims, and its models: body, base price in thousands of
# roubles, and engines as "litres hp fuel gearbox drive" (litres "-" for an electric one).
MAKES: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, str, int, str], ...]], ...] = (
    ("Toyota", "JTN", ("Standard", "Comfort", "Prestige", "Luxury"), (
        ("Camry", "Седан", 3450, "2.0 150 Бензин Вариатор Передний, 2.5 200 Бензин Автомат Передний, 2.5 218 Гибрид Вариатор Передний"),
        ("RAV4", "Кроссовер", 3990, "2.0 149 Бензин Вариатор Полный"),
        ("Land Cruiser Prado", "Внедорожник", 7900, "2.8 204 Дизель Автомат Полный"))),
    ("Kia", "KNA", ("Classic", "Comfort", "Luxe", "Prestige"), (
        ("Rio", "Седан", 1700, "1.4 100 Бензин Механика Передний, 1.6 123 Бензин Автомат Передний"),
        ("Ceed", "Хэтчбек", 2200, "1.6 128 Бензин Автомат Передний"),
        ("Sportage", "Кроссовер", 3500, "2.0 150 Бензин Автомат Полный, 2.0 186 Дизель Автомат Полный"),
        ("Carnival", "Минивэн", 5200, "2.2 199 Дизель Автомат Передний"))),
    ("Hyundai", "KMH", ("Active", "Comfort", "Elegance", "Prestige"), (
        ("Solaris", "Седан", 1600, "1.6 123 Бензин Автомат Передний"),
        ("Creta", "Кроссовер", 2300, "1.6 123 Бензин Автомат Передний, 2.0 149 Бензин Автомат Полный"),
        ("Tucson", "Кроссовер", 3600, "2.0 150 Бензин Автомат Полный"))),
    ("Skoda", "TMB", ("Active", "Ambition", "Style", "Laurin & Klement"), (
        ("Octavia", "Лифтбек", 2590, "1.6 110 Бензин Механика Передний, 1.4 150 Бензин Робот Передний"),
        ("Kodiaq", "Внедорожник", 3600, "2.0 180 Бензин Робот Полный"),
        ("Superb", "Лифтбек", 3900, "2.0 190 Бензин Робот Передний"))),
    ("Haval", "LGW", ("Comfort", "Elite", "Premium", "Tech Plus"), (
        ("Jolion", "Кроссовер", 2299, "1.5 143 Бензин Робот Передний, 1.5 150 Гибрид Робот Передний"),
        ("F7", "Кроссовер", 2899, "2.0 190 Бензин Робот Полный"),
        ("H9", "Внедорожник", 4600, "2.0 231 Бензин Автомат Полный, 2.4 184 Дизель Автомат Полный"))),
    ("Chery", "LVV", ("Comfort", "Elite", "Prestige", "Ultimate"), (
        ("Tiggo 4 Pro", "Кроссовер", 1900, "1.5 113 Бензин Вариатор Передний"),
        ("Tiggo 7 Pro Max", "Кроссовер", 2790, "1.5 147 Бензин Вариатор Передний, 1.6 186 Бензин Робот Полный"),
        ("eQ7", "Кроссовер", 3500, "- 211 Электро Автомат Передний"))),
    ("Geely", "L6T", ("Comfort", "Luxury", "Flagship", "Exclusive"), (
        ("Coolray", "Кроссовер", 2349, "1.5 150 Бензин Робот Передний"),
        ("Atlas", "Кроссовер", 3200, "2.0 200 Бензин Автомат Полный"),
        ("Monjaro", "Кроссовер", 4390, "2.0 238 Бензин Автомат Полный"))),
    ("Lada", "XTA", ("Standard", "Classic", "Comfort", "Luxe"), (
        ("Granta", "Седан", 950, "1.6 90 Бензин Механика Передний"),
        ("Vesta", "Седан", 1390, "1.6 106 Бензин Механика Передний, 1.8 122 Бензин Вариатор Передний"),
        ("Largus", "Универсал", 1500, "1.6 90 Бензин Механика Передний"),
        ("Niva Travel", "Внедорожник", 1250, "1.7 80 Бензин Механика Полный"))),
    ("Volkswagen", "WVW", ("Trendline", "Comfortline", "Highline", "R-Line"), (
        ("Polo", "Лифтбек", 1800, "1.6 110 Бензин Автомат Передний"),
        ("Tiguan", "Кроссовер", 4200, "1.4 150 Бензин Робот Полный, 2.0 180 Бензин Робот Полный"),
        ("Passat", "Седан", 3700, "2.0 190 Дизель Робот Передний"),
        ("ID.4", "Кроссовер", 4100, "- 204 Электро Автомат Задний"))),
    ("BMW", "WBA", ("Base", "Luxury Line", "M Sport", "M Sport Pro"), (
        ("3 Series", "Седан", 5200, "2.0 184 Бензин Автомат Задний, 2.0 190 Дизель Автомат Полный"),
        ("X5", "Внедорожник", 9800, "3.0 249 Дизель Автомат Полный, 3.0 340 Бензин Автомат Полный"),
        ("iX3", "Кроссовер", 7200, "- 286 Электро Автомат Задний"))),
)  # fmt: skip
GEARBOXES = {"Механика": "MT", "Автомат": "AT", "Робот": "AMT", "Вариатор": "CVT"}
COLORS = ("Белый", "Чёрный", "Серый", "Серебристый", "Синий", "Красный", "Зелёный",
          "Коричневый", "Бежевый")  # fmt: skip
# The classifier's properties of a car: name, value type and a Справочник's values.
PROPERTIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("VIN", "Строка", ()),
    ("Марка", "Справочник", tuple(make for make, *_ in MAKES)),
    ("Модель", "Строка", ()),
    ("Комплектация", "Строка", ()),
    ("Год выпуска", "Число", ()),
    ("Цвет", "Справочник", COLORS),
    ("Пробег", "Число", ()),
    ("Тип кузова", "Справочник",
     ("Седан", "Хэтчбек", "Универсал", "Внедорожник", "Кроссовер", "Лифтбек", "Минивэн")),
    ("Топливо", "Справочник", ("Бензин", "Дизель", "Гибрид", "Электро")),
    ("КПП", "Справочник", tuple(GEARBOXES)),
    ("Привод", "Справочник", ("Передний", "Задний", "Полный")),
    ("Объём двигателя", "Число", ()),
    ("Мощность", "Число", ()),
)  # fmt: skip
REFERENCE_PROPERTIES = frozenset(name for name, kind, _ in PROPERTIES if kind == "Справочник")
CAR_PRICES = (Decimal("900000"), Decimal("12000000"))
NEW_SHARE = 0.7

# Parts' and accessories' makers, each with how it writes an article (# a digit, @ a
# letter, * either), and the goods, each with its price range in roubles.
PART_MAKERS = (
    ("Toyota", "#####-*****"), ("Hyundai/Kia", "#####-**###"), ("Bosch", "0 986 ### ###"),
    ("Mann-Filter", "W ###/##"), ("NGK", "@@@#-##"), ("Denso", "###-####"), ("Mahle", "OX ####D"),
    ("Febi Bilstein", "#####"), ("Lemforder", "## ###-##"), ("Sachs", "### ### ###"),
    ("TRW", "GDB####"), ("Brembo", "09.@###.##"), ("Valeo", "######"),
)  # fmt: skip
PARTS = (
    ("Фильтр масляный", 300, 1500), ("Фильтр воздушный", 400, 2500),
    ("Фильтр салонный", 350, 2000), ("Свеча зажигания", 250, 1800),
    ("Колодки тормозные передние", 1500, 12000), ("Колодки тормозные задние", 1200, 9000),
    ("Диск тормозной", 2500, 18000), ("Амортизатор", 3000, 25000),
    ("Рычаг подвески", 2000, 15000), ("Подшипник ступицы", 1500, 9000),
    ("Комплект ГРМ", 6000, 35000), ("Помпа", 3000, 16000), ("Датчик кислородный", 2500, 14000),
    ("Щётка стеклоочистителя", 150, 2500), ("Лампа H7", 150, 1500),
    ("Радиатор охлаждения", 6000, 40000), ("Стартер", 9000, 45000), ("Генератор", 12000, 90000),
    ("Сцепление, комплект", 8000, 40000), ("Фара передняя", 9000, 90000),
)  # fmt: skip
ACCESSORY_MAKERS = (
    ("Rival", "####.####.#"), ("Norplast", "NPA##-C##-###"), ("Thule", "######"),
    ("Xiaomi", "@@@####"), ("Автопилот", "@@-###-##"),
)  # fmt: skip
ACCESSORIES = (
    ("Коврики в салон", 1500, 9000), ("Коврик в багажник", 1200, 6000),
    ("Видеорегистратор", 3000, 25000), ("Держатель телефона", 500, 3000),
    ("Чехлы сидений", 4000, 20000), ("Автобокс на крышу", 15000, 60000),
    ("Фаркоп", 6000, 30000), ("Защита картера", 3000, 15000), ("Дефлекторы окон", 1500, 5000),
    ("Компрессор автомобильный", 2000, 9000),
)  # fmt: skip
# Every FEATURE_EVERY-th part is sold in two versions (the values of names.FEATURE).
FEATURE_EVERY = 50
FEATURES = (("Левое", "Правое"), ("Стандарт", "Усиленное"))
_ARTICLE_CHARS = {
    "#": "0123456789",
    "@": "ABCDEFGHKLMNPRSTVWXYZ",
    "*": "0123456789ABCDEFHKLMNPRSTXYZ",
}


@dataclass
class Offer:
    id: str
    name: str
    retail: Decimal  # the purchase price follows from it
    stock: list[int]  # by warehouse
    feature: str = ""  # the value of names.FEATURE, for a part sold in versions


@dataclass
class Good:
    kind: str  # "car", "part" or "accessory"
    id: str
    name: str
    article: str
    group: str
    maker: str
    description: str
    properties: list[tuple[str, str]]  # property name, value (a Справочник's by its text)
    offers: list[Offer]


def cars(rng: random.Random, count: int, stores: int, stock_shift: int) -> list[Good]:
    """`count` cars, about NEW_SHARE of them new. Car n stands in warehouse n % stores, or,
    when `stock_shift` is not 0, every 10th car in the one after it."""
    # catalog.demo loads the catalog's models: imported here, once the apps are ready.
    from catalog.demo import vin_make

    goods = []
    for n in range(1, count + 1):
        make, wmi, trims, models = rng.choice(MAKES)
        model, body, base, engines = rng.choice(models)
        volume, power, fuel, gearbox, drive = rng.choice(engines.split(", ")).split()
        level = rng.randrange(len(trims))
        trim, color, used = trims[level], rng.choice(COLORS), rng.random() >= NEW_SHARE
        year = rng.randint(2015, 2024) if used else rng.randint(2025, 2026)
        mileage = min(max(rng.randint(8_000, 20_000) * (2026 - year), 10_000), 180_000)
        mileage = mileage if used else 0
        estimate = base * 1000 * (1 + 0.07 * level + rng.uniform(-0.03, 0.05))
        if used:
            estimate *= 0.9 ** (2026 - year) - mileage / 2_000_000
        price = min(max(Decimal(round(estimate, -3)), CAR_PRICES[0]), CAR_PRICES[1])
        # Serials from 1: the demo's cars (catalog/demo.py) take theirs from 100001.
        vin = vin_make(wmi, year, rng, n)
        engine = f"{power} л.с." if volume == "-" else f"{volume} {GEARBOXES[gearbox]}"
        name = f"{make} {model} {engine} {trim}" + (f", {year}" if used else "")
        properties = [
            ("VIN", vin), ("Марка", make), ("Модель", model), ("Комплектация", trim),
            ("Год выпуска", str(year)), ("Цвет", color), ("Пробег", str(mileage)),
            ("Тип кузова", body), ("Топливо", fuel), ("КПП", gearbox), ("Привод", drive),
            ("Объём двигателя", volume.strip("-")), ("Мощность", power),
        ]  # fmt: skip
        store = (n % stores + (1 if stock_shift and n % 10 == 0 else 0)) % stores
        condition = f"с пробегом {mileage} км" if used else "новый"
        description = f"{make} {model} {year} года, {condition}. Цвет: {color.lower()}. VIN {vin}."
        offer = Offer(good_id("car", n), name, price, [int(i == store) for i in range(stores)])
        group = GROUP_USED_CARS if used else GROUP_NEW_CARS
        goods.append(
            Good("car", offer.id, name, "", group, make, description,
                 [(prop, value) for prop, value in properties if value], [offer])
        )  # fmt: skip
    return goods


def items(kind: str, rng: random.Random, count: int, stores: int, stock_shift: int) -> list[Good]:
    """`count` parts or accessories; each warehouse holds 0–40 of each, plus `stock_shift`."""
    makers, titles = (PART_MAKERS, PARTS) if kind == "part" else (ACCESSORY_MAKERS, ACCESSORIES)
    seen: set[tuple[str, str]] = set()
    goods = []
    for n in range(1, count + 1):
        maker, pattern = rng.choice(makers)
        title, low, high = rng.choice(titles)
        article = _article(rng, pattern)
        while (maker, article) in seen:  # an article is its maker's own
            article = _article(rng, pattern)
        seen.add((maker, article))
        car_make, _, _, models = rng.choice(MAKES)
        name = f"{title} {maker} {article} ({car_make} {rng.choice(models)[0]})"
        price = Decimal(round(math.exp(rng.uniform(math.log(low), math.log(high))), -1))
        gid = good_id(kind, n)
        versions = rng.choice(FEATURES) if kind == "part" and n % FEATURE_EVERY == 0 else ("",)
        offers = []
        for step, value in enumerate(versions):
            stock = [
                max(0, (rng.randint(0, 40) if rng.random() < 0.7 else 0) + stock_shift)
                for _ in range(stores)
            ]
            if value:
                version_id = f"{gid}#{feature_id(kind, n, value)}"
                version_price = price * (10 + step) / 10
                offers.append(Offer(version_id, f"{name} ({value})", version_price, stock, value))
            else:
                offers.append(Offer(gid, name, price, stock))
        group = GROUP_PARTS if kind == "part" else GROUP_ACCESSORIES
        description = f"{title}, {maker}, артикул {article}. Подходит для {car_make}."
        goods.append(Good(kind, gid, name, article, group, maker, description, [], offers))
    return goods


def _article(rng: random.Random, pattern: str) -> str:
    return "".join(
        rng.choice(_ARTICLE_CHARS[char]) if char in _ARTICLE_CHARS else char for char in pattern
    )
