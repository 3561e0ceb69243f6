"""CommerceML 2, the files of 1C's exchange with a site, read into plain records: the classifier
and goods of `import.xml`, the price types, warehouses and offers of `offers.xml` (and of the
split `prices.xml` and `rests.xml` of CommerceML 2.10), and the orders 1C sends back
(docs/1c.md, "The files"). No database here: what a record means for the site is the
importers' (onec/services/)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree.ElementTree import Element

import orjson

from onec.xml import FileRefused, child, children, records, text

# What 1C writes for "yes" in its requisites.
TRUE_WORDS = frozenset({"true", "да", "1"})


@dataclass(frozen=True)
class Group:
    onec_id: str
    name: str
    parent_id: str = ""


@dataclass(frozen=True)
class Property:
    onec_id: str
    name: str
    # A reference book's values: ИдЗначения → Значение.
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Classifier:
    groups: list[Group]
    properties: list[Property]


@dataclass(frozen=True)
class GoodRecord:
    """One `Товар` of `import.xml`."""

    onec_id: str
    name: str
    article: str
    description: str
    group_ids: tuple[str, ...]
    maker: str
    # Property Ид → its value as 1C wrote it (a reference book's value id, or the value).
    properties: dict[str, str]
    requisites: dict[str, str]
    deleted: bool


@dataclass(frozen=True)
class PriceType:
    onec_id: str
    name: str
    currency: str


@dataclass(frozen=True)
class Warehouse:
    onec_id: str
    name: str


@dataclass(frozen=True)
class Offer:
    """One `Предложение`: a good, or one characteristic of it (`good#characteristic`)."""

    good_id: str
    characteristic_id: str
    name: str
    prices: dict[str, Decimal]  # price type Ид → price of one unit
    # Warehouse Ид → quantity; None when the offer says nothing of stock (a prices file).
    stock: dict[str, Decimal] | None
    # `Количество` alone, without warehouses: what an offer without `Склад` says.
    quantity: Decimal | None


@dataclass(frozen=True)
class OrderRecord:
    """One `Документ` 1C sends back of an order of the site's."""

    onec_id: str
    number: str
    operation: str
    sum: Decimal | None
    requisites: dict[str, str]
    basis: str  # a payment's `Основание`: the order's number


def number(value: str, what: str) -> Decimal:
    """A number as 1C writes it (a comma or a point, spaces between thousands)."""
    cleaned = value.replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        parsed = Decimal(cleaned)
    except InvalidOperation:
        raise FileRefused(f"{what}: «{value}» не число.") from None
    if not parsed.is_finite():
        raise FileRefused(f"{what}: «{value}» не число.")
    return parsed


def _requisites(element: Element) -> dict[str, str]:
    return {
        text(item, "Наименование"): text(item, "Значение")
        for item in children(element, "ЗначенияРеквизитов/ЗначениеРеквизита")
    }


# IMPORT.XML
# ------------------------------------------------------------------------------
def _groups(holder: Element | None, parent_id: str = "") -> Iterator[Group]:
    for element in children(holder, "Группы/Группа"):
        group = Group(text(element, "Ид"), text(element, "Наименование"), parent_id)
        if not group.onec_id:
            raise FileRefused(f"Группа «{group.name}» без Ид.")
        yield group
        yield from _groups(element, group.onec_id)


def classifier(element: Element) -> Classifier:
    properties = []
    for item in children(element, "Свойства/Свойство"):
        values = {
            text(value, "ИдЗначения"): text(value, "Значение")
            for value in children(item, "ВариантыЗначений/Справочник")
        }
        properties.append(Property(text(item, "Ид"), text(item, "Наименование"), values))
    return Classifier(list(_groups(element)), properties)


def good(element: Element) -> GoodRecord:
    onec_id = text(element, "Ид")
    name = text(element, "Наименование")
    if not onec_id:
        raise FileRefused(f"Товар «{name}» без Ид.")
    requisites = _requisites(element)
    status = element.get("Статус", "") or text(element, "Статус")
    return GoodRecord(
        onec_id=onec_id,
        name=name,
        article=text(element, "Артикул"),
        description=text(element, "Описание"),
        group_ids=tuple(text(item) for item in children(element, "Группы/Ид")),
        maker=text(element, "Изготовитель/Наименование"),
        properties={
            text(item, "Ид"): text(item, "Значение")
            for item in children(element, "ЗначенияСвойств/ЗначенияСвойства")
        },
        requisites=requisites,
        deleted=status == "Удален" or text(element, "ПометкаУдаления").lower() in TRUE_WORDS,
    )


def _import_wanted(path: tuple[str, ...]) -> str | None:
    if path[-1] == "Классификатор" and len(path) == 2:
        return "classifier"
    if path[-2:] == ("Товары", "Товар") and "Каталог" in path:
        return "good"
    return None


def read_import(stream: IO[bytes]) -> Iterator[Classifier | GoodRecord]:
    """`import.xml`: its classifier first, then its goods one by one."""
    for kind, element in records(stream, _import_wanted):
        yield classifier(element) if kind == "classifier" else good(element)


# OFFERS.XML, PRICES.XML, RESTS.XML
# ------------------------------------------------------------------------------
def _offer(element: Element) -> Offer:
    onec_id = text(element, "Ид")
    if not onec_id:
        raise FileRefused(f"Предложение «{text(element, 'Наименование')}» без Ид.")
    good_id, _, characteristic_id = onec_id.partition("#")
    what = f"Предложение {onec_id}"
    prices = {
        text(price, "ИдТипаЦены"): number(text(price, "ЦенаЗаЕдиницу"), f"{what}, цена")
        for price in children(element, "Цены/Цена")
    }
    stock: dict[str, Decimal] | None = None
    for item in element:
        if item.tag == "Склад" and item.get("ИдСклада") is not None:
            quantity = item.get("КоличествоНаСкладе", "0")
            stock = stock or {}
            stock[item.get("ИдСклада", "")] = number(quantity, f"{what}, остаток")
    for item in children(element, "Остатки/Остаток"):
        holder = child(item, "Склад")
        if holder is None:  # the good's total alone
            quantity = text(item, "Количество")
            if quantity:
                stock = stock or {}
                stock[""] = number(quantity, f"{what}, остаток")
            continue
        stock = stock or {}
        stock[text(holder, "Ид")] = number(text(holder, "Количество") or "0", f"{what}, остаток")
    total = text(element, "Количество")
    return Offer(
        good_id=good_id,
        characteristic_id=characteristic_id,
        name=text(element, "Наименование"),
        prices=prices,
        stock=stock,
        quantity=number(total, f"{what}, количество") if total else None,
    )


@dataclass(frozen=True)
class OffersHeader:
    price_types: list[PriceType]
    warehouses: list[Warehouse]


def _offers_wanted(path: tuple[str, ...]) -> str | None:
    if "ПакетПредложений" not in path and "ИзмененияПакетаПредложений" not in path:
        return None
    tail = path[-2:]
    if tail == ("ТипыЦен", "ТипЦены"):
        return "price_type"
    if tail == ("Склады", "Склад") and len(path) == 4:
        return "warehouse"
    if tail == ("Предложения", "Предложение"):
        return "offer"
    return None


def read_offers(stream: IO[bytes]) -> Iterator[PriceType | Warehouse | Offer]:
    """`offers.xml`, `prices.xml` or `rests.xml`: price types and warehouses as declared, then
    the offers one by one."""
    for kind, element in records(stream, _offers_wanted):
        if kind == "price_type":
            yield PriceType(
                text(element, "Ид"), text(element, "Наименование"), text(element, "Валюта")
            )
        elif kind == "warehouse":
            yield Warehouse(text(element, "Ид"), text(element, "Наименование"))
        else:
            yield _offer(element)


# ORDERS.XML (type=sale)
# ------------------------------------------------------------------------------
def _orders_wanted(path: tuple[str, ...]) -> str | None:
    return "document" if path[-1] == "Документ" and len(path) == 2 else None


def read_orders(stream: IO[bytes]) -> Iterator[OrderRecord]:
    for _kind, element in records(stream, _orders_wanted):
        amount = text(element, "Сумма")
        yield OrderRecord(
            onec_id=text(element, "Ид"),
            number=text(element, "Номер"),
            operation=text(element, "ХозОперация"),
            sum=number(amount, f"Документ {text(element, 'Номер')}, сумма") if amount else None,
            requisites=_requisites(element),
            basis=text(element, "Основание"),
        )


# KEPT BETWEEN CALLS
# ------------------------------------------------------------------------------
# A file is read once; its records are kept in batches until applied (onec/services/imports.py).
Record = Classifier | GoodRecord | PriceType | Warehouse | Offer | OrderRecord


def _decimals(values: dict[str, Any] | None) -> dict[str, Decimal] | None:
    return None if values is None else {key: Decimal(value) for key, value in values.items()}


def _loaded(kind: str, data: dict[str, Any]) -> Record:
    if kind == "Classifier":
        return Classifier(
            [Group(**group) for group in data["groups"]],
            [Property(**prop) for prop in data["properties"]],
        )
    if kind == "GoodRecord":
        return GoodRecord(**{**data, "group_ids": tuple(data["group_ids"])})
    if kind == "Offer":
        quantity = data["quantity"]
        return Offer(
            **{
                **data,
                "prices": _decimals(data["prices"]) or {},
                "stock": _decimals(data["stock"]),
                "quantity": None if quantity is None else Decimal(quantity),
            }
        )
    if kind == "OrderRecord":
        amount = data["sum"]
        return OrderRecord(**{**data, "sum": None if amount is None else Decimal(amount)})
    return {"PriceType": PriceType, "Warehouse": Warehouse}[kind](**data)


def records_dump(records: list[Record]) -> bytes:
    return orjson.dumps([[type(record).__name__, record] for record in records], default=str)


def records_load(data: bytes) -> list[Record]:
    return [_loaded(kind, values) for kind, values in orjson.loads(data)]
