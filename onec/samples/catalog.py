"""A catalog exchange's files as 1C writes them (docs/1c.md): import.xml (the classifier
and the goods) and offers.xml (prices and stock), or, as CommerceML 2.10 splits the offers,
offers.xml (the offers alone), prices.xml and rests.xml; and broken catalogs."""

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import quoteattr

from onec.samples import goods as goods_
from onec.samples.goods import PROPERTIES, REFERENCE_PROPERTIES, Good, Offer
from onec.samples.names import (
    CATALOG_ID,
    CLASSIFIER_ID,
    FEATURE,
    GROUPS,
    KINDS,
    PACKAGE_ID,
    PRICE_PURCHASE,
    PRICE_RETAIL,
    WAREHOUSES,
    document,
    element,
    good_id,
    group_id,
    maker_id,
    price_type_id,
    property_id,
    property_value_id,
    requisite,
    warehouse_id,
)

PURCHASE_SHARE = Decimal("0.8")  # of the retail price
_CENT = Decimal("0.01")
_UNIT = (
    '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" '
    'МеждународноеСокращение="PCE">шт</БазоваяЕдиница>'
)
_UNIT_SHORT = '<БазоваяЕдиница Код="796">шт</БазоваяЕдиница>'  # as offers.xml has it
_TAX = (
    "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка>"
    "</СтавкаНалога></СтавкиНалогов>"
)


@dataclass(frozen=True)
class Sample:
    """The files of one exchange, by file name, as bytes in their encoding."""

    files: dict[str, bytes]


def catalog_sample(
    *,
    cars: int = 2000,
    parts: int = 5000,
    accessories: int = 0,
    warehouses: int = 3,
    encoding: str = "utf-8",
    seed: int = 1,
    price_shift: Decimal = Decimal("0"),
    stock_shift: int = 0,
    split_offers: bool = False,
    bom: bool = False,
) -> Sample:
    """A full catalog exchange. `price_shift` raises every price by that fraction and
    `stock_shift` adds to the stock of every part and accessory and moves every 10th car to
    the next warehouse: the same goods, as a second exchange brings them. `bom` starts each
    UTF-8 file with a byte order mark, as some 1C versions write one."""
    if not 1 <= warehouses <= len(WAREHOUSES) or not 0 <= cars < 100_000:
        raise ValueError(f"1–{len(WAREHOUSES)} warehouses and under 100,000 cars")
    stores = WAREHOUSES[:warehouses]
    # A stream of its own for each kind: more parts leave the cars as they were.
    goods = goods_.cars(random.Random(f"car:{seed}"), cars, warehouses, stock_shift)
    for kind, count in (("part", parts), ("accessory", accessories)):
        goods += goods_.items(kind, random.Random(f"{kind}:{seed}"), count, warehouses, stock_shift)
    for offer in (offer for good in goods for offer in good.offers):
        offer.retail = (offer.retail * (1 + price_shift)).quantize(_CENT, ROUND_HALF_UP)
    version = "2.10" if split_offers else "2.08"
    texts = {"import.xml": _import_xml(goods), **_offers_xml(goods, stores, split=split_offers)}
    return Sample(
        {
            name: document(text, version=version, encoding=encoding, bom=bom)
            for name, text in texts.items()
        }
    )


def _classifier() -> list[str]:
    out = ["\t<Классификатор>", element("Ид", CLASSIFIER_ID)]
    out += [element("Наименование", "Классификатор (Номенклатура)"), "\n\t\t<Группы>"]
    for group, subgroups in GROUPS.items():
        out += ["<Группа>", element("Ид", group_id(group)), element("Наименование", group)]
        if subgroups:
            out.append("<Группы>")
            for sub in subgroups:
                out += ["<Группа>", element("Ид", group_id(sub)), element("Наименование", sub)]
                out.append("</Группа>")
            out.append("</Группы>")
        out.append("</Группа>")
    out.append("</Группы>\n\t\t<Свойства>\n")
    for name, kind, values in PROPERTIES:
        out += ["\t\t\t<Свойство>", element("Ид", property_id(name))]
        out += [element("Наименование", name), element("ТипЗначений", kind)]
        if values:
            out.append("<ВариантыЗначений>")
            for value in values:
                out += ["<Справочник>", element("ИдЗначения", property_value_id(name, value))]
                out += [element("Значение", value), "</Справочник>"]
            out.append("</ВариантыЗначений>")
        out.append("</Свойство>\n")
    out.append("\t\t</Свойства>\n\t</Классификатор>\n")
    return out


def _import_xml(goods: list[Good]) -> str:
    out = _classifier()
    out += ['\t<Каталог СодержитТолькоИзменения="false">', element("Ид", CATALOG_ID)]
    out += [element("ИдКлассификатора", CLASSIFIER_ID)]
    out += [element("Наименование", "Основной каталог товаров"), "\n\t\t<Товары>\n"]
    for good in goods:
        out += ["\t\t\t<Товар>\n\t\t\t\t", element("Ид", good.id), element("Артикул", good.article)]
        out += [element("Наименование", good.name), "\n\t\t\t\t", _UNIT, "\n\t\t\t\t<Группы>"]
        out += [element("Ид", group_id(good.group)), "</Группы>\n\t\t\t\t"]
        out += [element("Описание", good.description), "\n\t\t\t\t<Изготовитель>"]
        out += [element("Ид", maker_id(good.maker)), element("Наименование", good.maker)]
        out.append("</Изготовитель>\n")
        if good.properties:
            out.append("\t\t\t\t<ЗначенияСвойств>")
            for name, value in good.properties:
                shown = property_value_id(name, value) if name in REFERENCE_PROPERTIES else value
                out += ["<ЗначенияСвойства>", element("Ид", property_id(name))]
                out += [element("Значение", shown), "</ЗначенияСвойства>"]
            out.append("</ЗначенияСвойств>\n")
        out += ["\t\t\t\t", _TAX, "\n\t\t\t\t<ЗначенияРеквизитов>"]
        out += [
            requisite("ВидНоменклатуры", KINDS[good.kind]),
            requisite("ТипНоменклатуры", "Товар"),
        ]
        out.append("</ЗначенияРеквизитов>\n\t\t\t</Товар>\n")
    out.append("\t\t</Товары>\n\t</Каталог>\n")
    return "".join(out)


def _package(stores: tuple[str, ...], *, price_types: bool, warehouses: bool) -> list[str]:
    """A ПакетПредложений up to its first offer."""
    out = ['\t<ПакетПредложений СодержитТолькоИзменения="false">', element("Ид", PACKAGE_ID)]
    out += [element("Наименование", "Пакет предложений (Основной каталог товаров)")]
    out += [element("ИдКаталога", CATALOG_ID), element("ИдКлассификатора", CLASSIFIER_ID), "\n"]
    if price_types:
        out.append("\t\t<ТипыЦен>")
        for name in (PRICE_RETAIL, PRICE_PURCHASE):
            out += ["<ТипЦены>", element("Ид", price_type_id(name)), element("Наименование", name)]
            out.append(
                "<Валюта>RUB</Валюта><Налог><Наименование>НДС</Наименование>"
                "<УчтеноВСумме>true</УчтеноВСумме></Налог></ТипЦены>"
            )
        out.append("</ТипыЦен>\n")
    if warehouses:
        out.append("\t\t<Склады>")
        for name in stores:
            out += ["<Склад>", element("Ид", warehouse_id(name))]
            out += [element("Наименование", name), "</Склад>"]
        out.append("</Склады>\n")
    out.append("\t\t<Предложения>\n")
    return out


def _prices(offer: Offer) -> str:
    out = ["<Цены>"]
    purchase = (offer.retail * PURCHASE_SHARE).quantize(_CENT, ROUND_HALF_UP)
    for kind, price in ((PRICE_RETAIL, offer.retail), (PRICE_PURCHASE, purchase)):
        # As 1C shows a price: "1 500 000 RUB за шт", "1 234,50 RUB за шт".
        shown = f"{price:,.2f}".replace(",", " ").removesuffix(".00").replace(".", ",")
        out += ["<Цена>", element("Представление", f"{shown} RUB за шт")]
        out += [element("ИдТипаЦены", price_type_id(kind)), element("ЦенаЗаЕдиницу", price)]
        out.append("<Валюта>RUB</Валюта><Единица>шт</Единица><Коэффициент>1</Коэффициент></Цена>")
    out.append("</Цены>")
    return "".join(out)


def _offers_xml(goods: list[Good], stores: tuple[str, ...], *, split: bool) -> dict[str, str]:
    """offers.xml, or offers.xml, prices.xml and rests.xml as CommerceML 2.10 splits it."""
    offers = _package(stores, price_types=True, warehouses=True)
    prices = _package(stores, price_types=True, warehouses=False)
    rests = _package(stores, price_types=False, warehouses=False)
    for offer in (offer for good in goods for offer in good.offers):
        head = f"\t\t\t<Предложение>{element('Ид', offer.id)}"
        named = [head, element("Наименование", offer.name)]
        if offer.feature:
            named += ["<ХарактеристикиТовара><ХарактеристикаТовара>"]
            named += [element("Наименование", FEATURE), element("Значение", offer.feature)]
            named += ["</ХарактеристикаТовара></ХарактеристикиТовара>"]
        stock = list(zip(stores, offer.stock, strict=True))
        if not split:
            offers += [*named, _UNIT_SHORT, _prices(offer)]
            offers.append(element("Количество", sum(offer.stock)))
            offers += [
                f'<Склад ИдСклада={quoteattr(warehouse_id(name))} КоличествоНаСкладе="{quantity}"/>'
                for name, quantity in stock
            ]
            offers.append("</Предложение>\n")
            continue
        offers += [*named, "</Предложение>\n"]
        prices += [head, _prices(offer), "</Предложение>\n"]
        rests += [head, "<Остатки>"]
        for name, quantity in stock:
            rests += ["<Остаток><Склад>", element("Ид", warehouse_id(name))]
            rests += [element("Количество", quantity), "</Склад></Остаток>"]
        rests.append("</Остатки></Предложение>\n")
    tail = "\t\t</Предложения>\n\t</ПакетПредложений>\n"
    texts = {"offers.xml": offers, "prices.xml": prices, "rests.xml": rests}
    return {
        name: "".join(out) + tail for name, out in texts.items() if split or name == "offers.xml"
    }


def broken_samples() -> dict[str, Sample]:
    """Three small catalogs, each wrong in one way the import must refuse: "bad_xml",
    offers.xml cut off in the middle of an element; "unknown_warehouse", car 3 standing in a
    warehouse Склады does not declare (warehouse_id("Склад Казань")); "negative_stock", part
    1's stock of -3 in its first warehouse."""
    files = catalog_sample(cars=20, parts=50).files
    text = files["offers.xml"].decode()
    cut = text.index("<ЦенаЗаЕдиницу>", len(text) // 2) + len("<ЦенаЗа")
    declared = f'ИдСклада="{warehouse_id(WAREHOUSES[0])}"'
    at = text.index(declared, text.index(good_id("car", 3)))  # car 3 stands in the first
    unknown = f'{text[:at]}ИдСклада="{warehouse_id("Склад Казань")}"{text[at + len(declared) :]}'
    part = text.index(good_id("part", 1))
    negative = text[:part] + re.sub(
        r'КоличествоНаСкладе="\d+"', 'КоличествоНаСкладе="-3"', text[part:], count=1
    )
    broken = {"bad_xml": text[:cut], "unknown_warehouse": unknown, "negative_stock": negative}
    return {name: Sample({**files, "offers.xml": body.encode()}) for name, body in broken.items()}
