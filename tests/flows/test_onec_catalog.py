"""A catalog exchange played by 1C's side (onec/emulator.py) through the site's WSGI
application (docs/1c.md): goods, prices and stock land where they belong, a second exchange
changes what changed, the same files again change nothing, a broken file changes nothing at
all, and what the site owns stays the site's."""

from decimal import Decimal

import pytest

from catalog.models import Product, VehicleTransfer
from catalog.services import stock_reserve
from onec.emulator import ExchangeFailed
from onec.models import ExchangeAccount, ExchangeFile, Good, GroupMapping, Refusal
from onec.samples import GROUP_PARTS, broken_samples, catalog_sample, good_id
from service.models import Part, PartStock
from tests.onec_exchange import LOGIN

pytestmark = pytest.mark.django_db(databases="__all__")


def _state() -> dict:
    """What an exchange could change: every product's, part's and stock's fields."""
    return {
        "products": sorted(
            Product.objects.values_list(
                "id", "name", "price", "stock_quantity", "showroom_id", "is_active", "description",
                "updated_at",
            )
        ),
        "parts": sorted(Part.objects.values_list("id", "name", "price", "updated_at")),
        "stock": sorted(PartStock.objects.values_list("part_id", "showroom_id", "on_hand")),
        "transfers": VehicleTransfer.objects.count(),
    }  # fmt: skip


def _car(n: int) -> Product:
    product_id = Good.objects.get(onec_id=good_id("car", n)).product_id
    assert product_id is not None
    return Product.objects.get(pk=product_id)


def test_goods_prices_and_stock_land_where_they_belong(onec, onec_showrooms):
    sample = catalog_sample(cars=20, parts=30, warehouses=3)

    onec.catalog_exchange(sample)

    cars = Product.objects.filter(kind="vehicle")
    assert cars.count() == 20
    assert cars.filter(is_active=True, stock_quantity=1, price__gt=0).count() == 20
    # Car n stands in warehouse n % 3, which is showroom n % 3's.
    assert _car(3).showroom_id == onec_showrooms[0] and _car(4).showroom_id == onec_showrooms[1]
    assert _car(3).city == "Москва" and _car(5).city == "Екатеринбург"
    assert all(car.vin and car.make and car.model and car.year for car in cars)
    assert Part.objects.count() == 30 and not Part.objects.filter(price=0).exists()
    assert PartStock.objects.filter(showroom_id__in=onec_showrooms).count() > 30
    # The parts' group went to the service department, by the demo's mapping by name.
    assert GroupMapping.objects.get(name=GROUP_PARTS).onec_id
    files = ExchangeFile.objects.order_by("created_at")
    assert [(f.name, f.status, f.total) for f in files] == [
        ("import.xml", "applied", 50), ("offers.xml", "applied", files[1].total)
    ]  # fmt: skip
    assert files[0].created == 50 and files[0].refused == 0
    assert ExchangeAccount.objects.get(login=LOGIN).last_catalog_at is not None


def test_the_same_files_again_change_nothing(onec):
    sample = catalog_sample(cars=10, parts=10)
    onec.catalog_exchange(sample)
    before = _state()

    onec.catalog_exchange(sample)

    assert _state() == before
    second = ExchangeFile.objects.order_by("-created_at")[:2]
    assert all(f.unchanged == f.total and f.changed == f.created == 0 for f in second)


def test_a_second_exchange_changes_prices_and_stock(onec, onec_showrooms):
    onec.catalog_exchange(catalog_sample(cars=20, parts=20))
    price, stock = _car(10).price, dict(PartStock.objects.values_list("id", "on_hand"))

    onec.catalog_exchange(
        catalog_sample(cars=20, parts=20, price_shift=Decimal("0.05"), stock_shift=2)
    )

    assert _car(10).price == (price * Decimal("1.05")).quantize(Decimal("0.01"))
    assert _car(10).showroom_id == onec_showrooms[(10 + 1) % 3]  # every tenth car moved on
    assert VehicleTransfer.objects.filter(product_id=_car(10).pk).count() == 1
    changed = dict(PartStock.objects.values_list("id", "on_hand"))
    assert all(changed[key] == value + 2 for key, value in stock.items())


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("bad_xml", "Файл не разобран как XML"),
        ("unknown_warehouse", "неизвестный склад"),
        ("negative_stock", "отрицательный остаток -3"),
    ],
)
def test_a_broken_file_fails_with_its_reason_and_changes_nothing(onec, broken, reason):
    onec.catalog_exchange(catalog_sample(cars=20, parts=50))
    before = _state()

    with pytest.raises(ExchangeFailed) as failed:
        onec.catalog_exchange(broken_samples()[broken])

    assert reason in failed.value.reason
    assert _state() == before
    offers = ExchangeFile.objects.filter(name="offers.xml").order_by("-created_at").first()
    assert offers.status == "failed" and reason in offers.failure_reason


def test_the_site_keeps_its_description_and_a_car_in_a_deal(onec):
    onec.catalog_exchange(catalog_sample(cars=5, parts=0))
    written = _car(1)
    Product.objects.filter(pk=written.pk).update(description="Наш текст о машине")
    held = _car(2)
    stock_reserve(order_id=held.pk, items={held.pk: 1})  # an order holds it

    onec.catalog_exchange(catalog_sample(cars=5, parts=0, price_shift=Decimal("0.01")))

    assert _car(1).description == "Наш текст о машине"
    assert _car(2).stock_quantity == 0  # 1C still counts it in the warehouse


def test_an_unmapped_group_gets_a_category_and_a_refused_good_says_why(onec):
    sample = catalog_sample(cars=3, parts=0)
    body = (
        sample.files["import.xml"].decode().replace("<Значение>2", "<Значение>ый", 1)
    )  # a year that is not a number
    onec.catalog_exchange(type(sample)({**sample.files, "import.xml": body.encode()}))

    refusal = Refusal.objects.get(file__name="import.xml")
    assert "не число" in refusal.reason and refusal.file.refused == 1
    # Its offer has no product to price: refused too, and said so.
    assert "сначала import.xml" in Refusal.objects.get(file__name="offers.xml").reason
    assert GroupMapping.objects.filter(category_id__isnull=False).count() >= 3


def test_windows_1251_split_offers_in_a_zip(onec, onec_account):
    onec_account.use_zip = True
    onec_account.save()

    onec.catalog_exchange(
        catalog_sample(cars=6, parts=6, encoding="windows-1251", split_offers=True)
    )

    assert Product.objects.filter(kind="vehicle", is_active=True, stock_quantity=1).count() == 6
    assert not Part.objects.filter(price=0).exists()
    names = set(ExchangeFile.objects.filter(status="applied").values_list("name", flat=True))
    assert {"exchange.zip", "import.xml", "offers.xml", "prices.xml", "rests.xml"} <= names


def test_a_car_entered_on_the_site_first_is_the_same_car_and_keeps_its_text(onec):
    onec.catalog_exchange(catalog_sample(cars=3, parts=0))
    entered = _car(3)
    Product.objects.filter(pk=entered.pk).update(description="Описание менеджера")
    Good.objects.filter(onec_id=good_id("car", 3)).delete()  # as if 1C never sent it

    onec.catalog_exchange(catalog_sample(cars=3, parts=0))

    assert Product.objects.filter(kind="vehicle").count() == 3
    assert _car(3).pk == entered.pk and _car(3).description == "Описание менеджера"
