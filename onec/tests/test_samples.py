"""The sample files (onec/samples/) are shaped as 1C writes them, and the emulator
(onec/emulator.py) speaks the protocol as 1C does: no database, the site played by an
httpx.MockTransport."""

import time
import zipfile
from base64 import b64encode
from collections import Counter
from decimal import Decimal
from io import BytesIO, StringIO
from xml.etree import ElementTree

import httpx
import pytest
from django.core.management import call_command

from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from onec import samples
from onec.emulator import ExchangeFailed, OneC
from onec.samples import (
    FEATURE_EVERY,
    GROUP_ACCESSORIES,
    GROUP_CARS,
    GROUP_NEW_CARS,
    GROUP_PARTS,
    GROUP_USED_CARS,
    PRICE_PURCHASE,
    PRICE_RETAIL,
    WAREHOUSES,
    SaleDocument,
    catalog_sample,
    good_id,
    group_id,
    price_type_id,
    property_id,
    property_value_id,
    sale_sample,
    warehouse_id,
)

# Position 10 of a VIN, the model year, from 1980 on (ISO 3779), written out here to check
# the generator against the standard rather than against itself.
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def _root(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)


def _text(element: ElementTree.Element, path: str) -> str:
    return element.findtext(path) or ""


def _requisites(element: ElementTree.Element) -> dict[str, str]:
    return {
        _text(item, "Наименование"): _text(item, "Значение")
        for item in element.iterfind("ЗначенияРеквизитов/ЗначениеРеквизита")
    }


def _goods(data: bytes) -> list[ElementTree.Element]:
    return _root(data).findall("Каталог/Товары/Товар")


def _offers(data: bytes) -> dict[str, ElementTree.Element]:
    offers = _root(data).findall("ПакетПредложений/Предложения/Предложение")
    return {_text(offer, "Ид"): offer for offer in offers}


def _retail(offer: ElementTree.Element) -> Decimal:
    retail = price_type_id(PRICE_RETAIL)
    (price,) = [p for p in offer.iterfind("Цены/Цена") if _text(p, "ИдТипаЦены") == retail]
    return Decimal(_text(price, "ЦенаЗаЕдиницу"))


def _stock(offer: ElementTree.Element) -> dict[str, int]:
    """Warehouse Ид → quantity, from offers.xml's Склад or rests.xml's Остатки."""
    stock = {
        s.get("ИдСклада", ""): int(s.get("КоличествоНаСкладе", ""))
        for s in offer.iter("Склад")
        if s.get("ИдСклада")
    }
    for rest in offer.iterfind("Остатки/Остаток/Склад"):
        stock[_text(rest, "Ид")] = int(_text(rest, "Количество"))
    return stock


def test_a_catalog_holds_each_kind_of_good_with_its_offers():
    files = catalog_sample(cars=40, parts=120, accessories=10, warehouses=4).files
    assert set(files) == {"import.xml", "offers.xml"}
    goods = _goods(files["import.xml"])
    kinds = Counter(_requisites(good)["ВидНоменклатуры"] for good in goods)
    assert kinds == {"Автомобиль": 40, "Запчасть": 120, "Аксессуар": 10}
    groups = Counter(_text(good, "Группы/Ид") for good in goods)
    assert groups[group_id(GROUP_NEW_CARS)] + groups[group_id(GROUP_USED_CARS)] == 40
    assert groups[group_id(GROUP_NEW_CARS)] > groups[group_id(GROUP_USED_CARS)] > 0
    assert (groups[group_id(GROUP_PARTS)], groups[group_id(GROUP_ACCESSORIES)]) == (120, 10)

    offers = _offers(files["offers.xml"])
    assert len(offers) == 40 + 120 + 120 // FEATURE_EVERY + 10
    root = _root(files["offers.xml"])
    declared = [_text(store, "Ид") for store in root.iterfind("ПакетПредложений/Склады/Склад")]
    assert declared == [warehouse_id(name) for name in WAREHOUSES[:4]]
    types = [_text(kind, "Ид") for kind in root.iterfind("ПакетПредложений/ТипыЦен/ТипЦены")]
    assert types == [price_type_id(PRICE_RETAIL), price_type_id(PRICE_PURCHASE)]
    for n in range(1, 41):
        car = offers[good_id("car", n)]
        assert _stock(car) == {
            warehouse_id(name): int(i == n % 4) for i, name in enumerate(WAREHOUSES[:4])
        }
        assert _text(car, "Количество") == "1"
        assert Decimal(900_000) <= _retail(car) <= Decimal(12_000_000)
    for offer in offers.values():
        prices = [Decimal(_text(price, "ЦенаЗаЕдиницу")) for price in offer.iterfind("Цены/Цена")]
        assert prices[1] == (prices[0] * Decimal("0.8")).quantize(Decimal("0.01"))
        assert int(_text(offer, "Количество")) == sum(_stock(offer).values())
    part = offers[good_id("part", 1)]
    assert Decimal(150) <= _retail(part) <= Decimal(90_000)
    assert all(0 <= quantity <= 40 for quantity in _stock(part).values())


def test_the_classifier_nests_groups_and_lists_reference_values():
    root = _root(catalog_sample(cars=1, parts=1).files["import.xml"])
    (cars,) = [
        g
        for g in root.iterfind("Классификатор/Группы/Группа")
        if _text(g, "Наименование") == GROUP_CARS
    ]
    subgroups = [_text(g, "Ид") for g in cars.iterfind("Группы/Группа")]
    assert subgroups == [group_id(GROUP_NEW_CARS), group_id(GROUP_USED_CARS)]
    properties = {
        _text(p, "Наименование"): p for p in root.iterfind("Классификатор/Свойства/Свойство")
    }
    assert _text(properties["VIN"], "Ид") == property_id("VIN")
    assert _text(properties["Год выпуска"], "ТипЗначений") == "Число"
    colors = {
        _text(v, "Значение"): _text(v, "ИдЗначения") for v in properties["Цвет"].iter("Справочник")
    }
    assert colors["Чёрный"] == property_value_id("Цвет", "Чёрный") and len(colors) == 9
    assert {"Электро", "Гибрид"} <= {
        _text(v, "Значение") for v in properties["Топливо"].iter("Справочник")
    }


def test_cars_carry_valid_vins_that_agree_with_their_make_and_year():
    goods = _goods(catalog_sample(cars=300, parts=0).files["import.xml"])
    names = {property_id(name): name for name, _, _ in samples.PROPERTIES}
    values = {
        property_value_id(name, value): value
        for name, _, options in samples.PROPERTIES
        for value in options
    }
    vins = []
    for good in goods:
        props = {
            names[_text(p, "Ид")]: values.get(_text(p, "Значение"), _text(p, "Значение"))
            for p in good.iterfind("ЗначенияСвойств/ЗначенияСвойства")
        }
        vin, year, mileage = props["VIN"], int(props["Год выпуска"]), int(props["Пробег"])
        assert catalog_selectors.vin_checked(vin=vin) == vin
        catalog_services.vin_agreement_check(vin, make=props["Марка"], year=year)
        assert catalog_selectors.vin_made_by(vin=vin, make=props["Марка"]) is True
        assert vin[9] == YEAR_CODES[(year - 1980) % 30]
        assert _text(good, "Изготовитель/Наименование") == props["Марка"]
        assert _text(good, "Артикул") == ""
        if _text(good, "Группы/Ид") == group_id(GROUP_NEW_CARS):
            assert (mileage, 2025 <= year <= 2026) == (0, True)
        else:
            assert 10_000 <= mileage <= 180_000 and 2015 <= year <= 2024
        assert ("Объём двигателя" in props) == (props["Топливо"] != "Электро")
        assert props["Модель"] in _text(good, "Наименование")
        vins.append(vin)
    assert len(set(vins)) == len(vins) == 300
    assert {vin[:3] for vin in vins} == {wmi for _, wmi, _, _ in samples.MAKES}


def test_every_fiftieth_part_is_sold_in_two_versions_and_articles_are_their_makers_own():
    files = catalog_sample(cars=0, parts=150).files
    offers = _offers(files["offers.xml"])
    for n in (50, 100, 150):
        versions = [key for key in offers if key.startswith(good_id("part", n) + "#")]
        assert len(versions) == 2 and good_id("part", n) not in offers
        features = {
            _text(offers[key], "ХарактеристикиТовара/ХарактеристикаТовара/Значение")
            for key in versions
        }
        assert len(features) == 2
        assert {
            _text(offers[key], "ХарактеристикиТовара/ХарактеристикаТовара/Наименование")
            for key in versions
        } == {"Исполнение"}
    goods = _goods(files["import.xml"])
    articles = [
        (_text(good, "Изготовитель/Наименование"), _text(good, "Артикул")) for good in goods
    ]
    assert len(set(articles)) == len(articles) == 150 and all(article for _, article in articles)


def test_windows_1251_declares_itself_and_says_the_same():
    utf8 = catalog_sample(cars=20, parts=60, accessories=5).files
    cp1251 = catalog_sample(cars=20, parts=60, accessories=5, encoding="windows-1251").files
    for name, data in cp1251.items():
        assert data.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
        assert utf8[name].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert data.decode("cp1251") == utf8[name].decode().replace(
            'encoding="UTF-8"', 'encoding="windows-1251"'
        )
        assert ElementTree.tostring(_root(data)) == ElementTree.tostring(_root(utf8[name]))
    with_bom = catalog_sample(cars=1, parts=1, bom=True).files["import.xml"]
    assert with_bom.startswith(b"\xef\xbb\xbf<?xml")


def test_split_offers_carry_names_prices_and_rests_apart():
    whole = catalog_sample(cars=10, parts=100).files
    split = catalog_sample(cars=10, parts=100, split_offers=True).files
    assert set(split) == {"import.xml", "offers.xml", "prices.xml", "rests.xml"}
    assert {_root(data).get("ВерсияСхемы") for data in split.values()} == {"2.10"}
    assert {_root(data).get("ВерсияСхемы") for data in whole.values()} == {"2.08"}
    offers, prices, rests = (
        _offers(split[name]) for name in ("offers.xml", "prices.xml", "rests.xml")
    )
    expected = _offers(whole["offers.xml"])
    assert list(offers) == list(prices) == list(rests) == list(expected)
    for key, offer in expected.items():
        assert offers[key].find("Цены") is None and offers[key].find("Склад") is None
        assert _text(offers[key], "Наименование") == _text(offer, "Наименование")
        assert _retail(prices[key]) == _retail(offer) and prices[key].find("Наименование") is None
        assert _stock(rests[key]) == _stock(offer)
    assert _root(split["offers.xml"]).find("ПакетПредложений/Склады") is not None


def test_the_same_seed_gives_the_same_bytes_and_shifts_change_prices_and_stock():
    first = catalog_sample(cars=30, parts=100, seed=7).files
    assert catalog_sample(cars=30, parts=100, seed=7).files == first
    assert catalog_sample(cars=30, parts=100, seed=8).files["offers.xml"] != first["offers.xml"]
    second = catalog_sample(
        cars=30, parts=100, seed=7, price_shift=Decimal("0.05"), stock_shift=2
    ).files
    assert second["import.xml"] == first["import.xml"]
    before, after = _offers(first["offers.xml"]), _offers(second["offers.xml"])
    assert list(before) == list(after)
    for key, offer in before.items():
        assert _retail(after[key]) == (_retail(offer) * Decimal("1.05")).quantize(Decimal("0.01"))
    for n in range(1, 31):
        moved = _stock(after[good_id("car", n)]) != _stock(before[good_id("car", n)])
        assert moved == (n % 10 == 0)
    part = good_id("part", 1)
    assert {k: v + 2 for k, v in _stock(before[part]).items()} == _stock(after[part])


def test_broken_samples_are_broken_as_named():
    broken = samples.broken_samples()
    assert set(broken) == {"bad_xml", "unknown_warehouse", "negative_stock"}
    with pytest.raises(ElementTree.ParseError):
        _root(broken["bad_xml"].files["offers.xml"])
    root = _root(broken["unknown_warehouse"].files["offers.xml"])
    declared = {_text(store, "Ид") for store in root.iterfind("ПакетПредложений/Склады/Склад")}
    used = {store.get("ИдСклада") for store in root.iter("Склад")} - {None}
    assert used - declared == {warehouse_id("Склад Казань")}
    quantities = [
        store.get("КоличествоНаСкладе")
        for store in _root(broken["negative_stock"].files["offers.xml"]).iter("Склад")
    ]
    assert quantities.count("-3") == 1
    for sample in broken.values():
        _root(sample.files["import.xml"])  # only offers.xml is wrong


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251"])
def test_a_sale_sample_holds_each_order_with_its_requisites(encoding):
    documents = [
        SaleDocument(
            "order-1",
            "А-2026-000001",
            status="Выполнен",
            payment_number="ПКО-17",
            payment_amount=Decimal("1500.5"),
            payment_date="2026-11-28",
        ),
        SaleDocument("order-2", "А-2026-000002", cancelled=True),
    ]
    data = sale_sample(documents, encoding=encoding)
    assert data.decode(encoding).startswith(
        f'<?xml version="1.0" encoding="{"UTF-8" if encoding == "utf-8" else encoding}"?>'
    )
    first, second = _root(data).findall("Документ")
    assert (_text(first, "Ид"), _text(first, "Номер")) == ("order-1", "А-2026-000001")
    assert _requisites(first) == {
        "Статус заказа": "Выполнен", "Отменен": "false", "Проведен": "true",
        "Номер оплаты по 1С": "ПКО-17", "Дата оплаты по 1С": "2026-11-28", "Сумма оплаты по 1С": "1500.50",
    }  # fmt: skip
    assert _requisites(second) == {"Отменен": "true", "Проведен": "true"}


def test_a_full_size_sample_is_made_in_seconds():
    started = time.monotonic()
    files = catalog_sample(cars=2000, parts=5000).files
    assert time.monotonic() - started < 10
    assert files["import.xml"].count("<Товар>".encode()) == 7000
    assert files["offers.xml"].count("<Предложение>".encode()) == 7000 + 5000 // FEATURE_EVERY
    assert sum(map(len, files.values())) < 40_000_000


ORDERS = sale_sample([SaleDocument("order-1", "А-2026-000001")], encoding="windows-1251")


class Site:
    """The site's side, as far as the emulator needs it: records what 1C sent."""

    def __init__(self, *, zip_: bool = False, file_limit: int = 1000, progress: int = 2) -> None:
        self.zip, self.file_limit, self.progress = zip_, file_limit, progress
        self.parts: dict[str, list[bytes]] = {}
        self.imports: list[str] = []
        self.cookies: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        mode, name = request.url.params["mode"], request.url.params.get("filename", "")
        if mode == "checkauth":
            if request.headers.get("Authorization") != "Basic " + b64encode(b"1c:secret").decode():
                return httpx.Response(401, text="no")
            return httpx.Response(200, text="success\r\nonec_session\r\nabc123\r\n")
        if "Cookie" not in request.headers:
            return httpx.Response(403, text="failure\nСеанс обмена не начат: нужен checkauth.")
        self.cookies.add(request.headers["Cookie"])
        if mode == "init":
            return httpx.Response(
                200,
                text=f"zip={'yes' if self.zip else 'no'}\nfile_limit={self.file_limit}\nversion=2.08",
            )
        if mode == "file":
            assert request.headers["Content-Type"] == "application/octet-stream"
            self.parts.setdefault(name, []).append(request.content)
            return httpx.Response(200, text="success")
        if mode == "query":
            return httpx.Response(200, content=ORDERS, headers={"Content-Type": "application/xml"})
        if mode in ("deactivate", "complete"):
            self.imports.append(mode)
            return httpx.Response(200, text="success\n")
        if mode == "success":
            return httpx.Response(200, text="success\n")
        if mode == "import":
            self.imports.append(name)
            if name == "bad.xml":
                # Some sites answer in windows-1251, as 1C's own examples do.
                return httpx.Response(
                    200,
                    content="failure\r\nbad.xml: не XML\r\nстрока 2".encode("cp1251"),
                    headers={"Content-Type": "text/plain; charset=windows-1251"},
                )
            return httpx.Response(
                200,
                text="progress\nидёт" if self.imports.count(name) <= self.progress else "success",
            )
        raise AssertionError(mode)


def _onec(site: Site, password: str = "secret") -> OneC:
    return OneC(
        "http://site", "1c", password, client=httpx.Client(transport=httpx.MockTransport(site))
    )


def test_the_emulator_sends_files_in_parts_under_the_limit_that_reassemble():
    site = Site(file_limit=4096)
    sample = catalog_sample(cars=5, parts=20, split_offers=True)
    report = _onec(site).catalog_exchange(sample)
    assert report["files"] == ["import.xml", "offers.xml", "prices.xml", "rests.xml"]
    for name, data in sample.files.items():
        assert all(len(part) <= 4096 for part in site.parts[name])
        assert b"".join(site.parts[name]) == data
    assert report["parts"] == sum(len(parts) for parts in site.parts.values())
    assert report["import_calls"] == 4 * 3 and site.imports[:3] == ["import.xml"] * 3
    assert site.imports[-2:] == ["deactivate", "complete"]
    assert site.cookies == {"onec_session=abc123"}


def test_the_emulator_zips_all_files_in_one_archive_when_the_site_takes_archives():
    site = Site(zip_=True, file_limit=2000, progress=0)
    sample = catalog_sample(cars=3, parts=10)
    _onec(site).catalog_exchange(sample)
    assert list(site.parts) == ["exchange.zip"]
    with zipfile.ZipFile(BytesIO(b"".join(site.parts["exchange.zip"]))) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == sample.files
    assert site.imports == ["import.xml", "offers.xml"]


def test_the_emulator_reports_the_sites_failures():
    with pytest.raises(ExchangeFailed, match="unauthorized"):
        _onec(Site(), password="wrong").checkauth()
    onec = _onec(Site())
    with pytest.raises(ExchangeFailed) as failed:
        onec.init()
    assert failed.value.reason == "HTTP 403: Сеанс обмена не начат: нужен checkauth."
    onec.checkauth()
    with pytest.raises(ExchangeFailed) as failed:
        onec.import_file("bad.xml")
    assert failed.value.reason == "bad.xml: не XML\nстрока 2"


def test_the_emulator_plays_a_sale_exchange():
    site = Site(file_limit=300, progress=0)
    onec = _onec(site)
    assert onec.sale_query() == ORDERS
    onec.sale_success()
    answer = sale_sample([SaleDocument("order-1", "А-2026-000001", status="Выполнен")])
    onec.sale_send(answer)
    assert b"".join(site.parts["orders.xml"]) == answer and len(site.parts["orders.xml"]) > 1
    assert site.imports == ["orders.xml"] and site.cookies == {"onec_session=abc123"}


def test_the_command_writes_a_sample_without_a_site(tmp_path):
    out = StringIO()
    call_command("onec_emulate", cars=3, parts=5, split=True, write_dir=str(tmp_path), stdout=out)
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert written == catalog_sample(cars=3, parts=5, split_offers=True).files
    assert "Wrote 4 files" in out.getvalue()
