"""What every sample file shares: the names 1C's classifier gives groups, warehouses, price
types and properties, their ids, and the frame of a CommerceML document. An Ид is the uuid5
of a name in NAMESPACE, so it is the same in every run and every exchange."""

import codecs
import uuid
from xml.sax.saxutils import escape

NAMESPACE = uuid.UUID("5f0a3c1e-1c00-4c0e-9a1e-000000000001")
# When 1C made the files (ДатаФормирования): fixed, so the same arguments give the same bytes.
GENERATED_AT = "2026-11-29T10:00:00"

GROUP_CARS = "Автомобили"
GROUP_NEW_CARS = "Новые автомобили"
GROUP_USED_CARS = "Автомобили с пробегом"
GROUP_PARTS = "Запчасти"
GROUP_ACCESSORIES = "Аксессуары"
# The classifier's groups, each with its subgroups.
GROUPS: dict[str, tuple[str, ...]] = {
    GROUP_CARS: (GROUP_NEW_CARS, GROUP_USED_CARS),
    GROUP_PARTS: (),
    GROUP_ACCESSORIES: (),
}
# The first three are the demo's showrooms' (onec/demo.py).
WAREHOUSES = (
    "Склад Москва Север",
    "Склад Москва Юг",
    "Склад Екатеринбург",
    "Склад Новосибирск",
    "Склад Краснодар",
    "Склад Нижний Новгород",
)
PRICE_RETAIL = "Розничная"
PRICE_PURCHASE = "Закупочная"
# A part's characteristic: a part sold in two versions is an offer for each.
FEATURE = "Исполнение"
# ВидНоменклатуры, the requisite that says what a good is, by the kind of good_id.
KINDS = {"car": "Автомобиль", "part": "Запчасть", "accessory": "Аксессуар"}
# The encodings 1C writes, as Python's codecs name them and as the XML declaration does.
DECLARED = {"utf-8": "UTF-8", "cp1251": "windows-1251"}


def named_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


# A group's, a warehouse's, a price type's or a property's Ид: the uuid5 of its name.
group_id = warehouse_id = price_type_id = property_id = named_id

CLASSIFIER_ID = named_id("Классификатор (Номенклатура)")
CATALOG_ID = named_id("Основной каталог товаров")
PACKAGE_ID = named_id("Пакет предложений (Основной каталог товаров)")


def property_value_id(name: str, value: str) -> str:
    """A Справочник value's ИдЗначения, which a good's ЗначенияСвойства carries."""
    return named_id(f"{name}:{value}")


def good_id(kind: str, n: int) -> str:
    """The Ид of the n-th good (from 1) of a kind: "car", "part" or "accessory"."""
    return named_id(f"{kind}-{n}")


def feature_id(kind: str, n: int, value: str) -> str:
    """The Ид of a good's characteristic, which its offer's Ид carries after a "#"."""
    return named_id(f"{kind}-{n}#{value}")


def maker_id(name: str) -> str:
    return named_id(f"Изготовитель:{name}")


def element(tag: str, text: object) -> str:
    return f"<{tag}>{escape(str(text))}</{tag}>"


def requisite(name: str, value: str) -> str:
    """A ЗначениеРеквизита: how 1C writes what has no element of its own."""
    return f"<ЗначениеРеквизита>{element('Наименование', name)}{element('Значение', value)}</ЗначениеРеквизита>"


def document(body: str, *, version: str, encoding: str, bom: bool = False) -> bytes:
    """A КоммерческаяИнформация holding `body`, in `encoding` and declaring it. Encoding is
    strict: a character windows-1251 lacks fails here, not at the site."""
    codec = codecs.lookup(encoding).name
    if codec not in DECLARED:
        raise ValueError(f"1C writes UTF-8 or windows-1251, not {encoding}")
    text = (
        f'<?xml version="1.0" encoding="{DECLARED[codec]}"?>\n'
        f'<КоммерческаяИнформация ВерсияСхемы="{version}" ДатаФормирования="{GENERATED_AT}">\n'
        f"{body}</КоммерческаяИнформация>\n"
    )
    return (codecs.BOM_UTF8 if bom and codec == "utf-8" else b"") + text.encode(codec)
