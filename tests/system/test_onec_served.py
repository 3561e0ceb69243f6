"""1C's side of the exchange (onec/emulator.py) against the site as production serves it
(Caddy, granian, a Celery worker), in committed transactions (docs/1c.md): a full exchange in
parts under a `file_limit` of 1 MB, a second exchange changing prices and stock, and the
orders' exchange, statuses and a cash desk payment sent back. `make test` runs it on a few
hundred goods under a small `file_limit`; `make soak` on 2,000 cars and 5,000 parts in three
warehouses (ONEC_EXCHANGE_SIZE=full)."""

import os
import uuid
from decimal import Decimal

import pytest

from catalog import services as catalog_services
from catalog.models import Product, VehicleTransfer
from onec import demo
from onec.emulator import OneC
from onec.models import ExchangeFile, WarehouseMapping
from onec.samples import WAREHOUSES, SaleDocument, catalog_sample, sale_sample
from orders.models import Order
from orders.tests.factories import order_make, product_make
from payments.models import LedgerTransaction
from service.models import Part, PartStock
from tests.processes import wait_for

pytestmark = [
    pytest.mark.sized,
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

FULL = os.environ.get("ONEC_EXCHANGE_SIZE", "") == "full"
CARS, PARTS = (2000, 5000) if FULL else (150, 400)
FILE_LIMIT = 1_000_000 if FULL else 64_000


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def one_c(server, server_password_hashers):
    """The demo's account and mappings, the samples' first three warehouses standing for three
    showrooms; 1C's side talking to the served site."""
    showrooms = [uuid.uuid4() for _ in range(3)]
    for number, (showroom_id, city) in enumerate(
        zip(showrooms, ("Москва", "Москва", "Екатеринбург"), strict=True), start=1
    ):
        catalog_services.location_note(
            showroom_id=showroom_id, name=f"Салон {number}", city=city, address="", phone="",
            is_active=True,
        )  # fmt: skip
    demo.seed(_Quiet())
    WarehouseMapping.objects.all().delete()
    for name, showroom_id in zip(WAREHOUSES, showrooms, strict=False):
        WarehouseMapping.objects.create(name=name, showroom_id=showroom_id)
    side = OneC(server.url, demo.LOGIN, demo.PASSWORD, max_part=FILE_LIMIT)
    side.showrooms = showrooms  # type: ignore[attr-defined]
    return side


def test_a_full_exchange_a_second_one_and_the_orders(one_c, worker, customer):
    first = one_c.catalog_exchange(catalog_sample(cars=CARS, parts=PARTS, warehouses=3))

    assert first["parts"] > 4  # the files went in parts
    cars = Product.objects.filter(kind="vehicle", is_active=True, stock_quantity=1)
    assert cars.count() == CARS
    assert set(cars.values_list("showroom_id", flat=True)) == set(one_c.showrooms)
    assert Part.objects.count() == PARTS and not Part.objects.filter(price=0).exists()
    assert set(PartStock.objects.values_list("showroom_id", flat=True)) == set(one_c.showrooms)
    assert not ExchangeFile.objects.filter(refused__gt=0).exists()
    prices = dict(Product.objects.values_list("pk", "price"))

    one_c.catalog_exchange(
        catalog_sample(
            cars=CARS, parts=PARTS, warehouses=3, price_shift=Decimal("0.05"), stock_shift=2
        )
    )

    changed = dict(Product.objects.values_list("pk", "price"))
    assert all(
        changed[pk] == (price * Decimal("1.05")).quantize(Decimal("0.01"))
        for pk, price in prices.items()
    )
    assert VehicleTransfer.objects.count() == CARS // 10  # every tenth car moved on
    assert Product.objects.filter(kind="vehicle", is_active=True, stock_quantity=1).count() == CARS

    paid_at_desk = order_make(customer, (product_make(price="1200.00"), 1))
    to_cancel = order_make(customer, (product_make(price="800.00"), 1))
    query = one_c.sale_query()
    assert paid_at_desk.number.encode() in query and to_cancel.number.encode() in query
    one_c.sale_success()
    one_c.sale_send(
        sale_sample(
            [
                SaleDocument(str(paid_at_desk.pk), paid_at_desk.number, payment_number="ПКО-1",
                             payment_amount=Decimal("1200.00"), payment_date="2026-11-29"),
                SaleDocument(str(to_cancel.pk), to_cancel.number, cancelled=True),
            ],
            encoding="windows-1251",
        )
    )  # fmt: skip

    wait_for(
        lambda: Order.objects.get(pk=paid_at_desk.pk).status == "paid", message="paid at the desk"
    )
    assert Order.objects.get(pk=to_cancel.pk).status == "cancelled"
    assert (
        LedgerTransaction.objects.filter(type="desk_payment", amount=Decimal("1200.00")).count()
        == 1
    )
