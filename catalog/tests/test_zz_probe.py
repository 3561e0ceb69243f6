import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])
URL = reverse("products-list")


def test_probe_year_fraction(api_client):
    ProductFactory(name="2020", year=2020)
    r = api_client.get(URL, {"year": "2020.5"})
    print("YEAR", r.status_code, [p["name"] for p in r.json().get("results", [])], r.json())


def test_probe_in_stock_garbage(api_client):
    ProductFactory(name="none", stock_quantity=0)
    ProductFactory(name="some", stock_quantity=1)
    for v in ["garbage", "1", "0", "True", "yes"]:
        r = api_client.get(URL, {"in_stock": v})
        print("INSTOCK", v, r.status_code, [p["name"] for p in r.json().get("results", [])])


def test_probe_rereserve_after_release():
    p = ProductFactory(stock_quantity=5)
    o = uuid.uuid4()
    services.stock_reserve(order_id=o, items={p.pk: 1})
    services.stock_release(order_id=o)
    try:
        services.stock_reserve(order_id=o, items={p.pk: 1})
        print("REREserve ok", Product.objects.get(pk=p.pk).stock_quantity)
    except Exception as e:
        print("REREserve", type(e), e)


def test_probe_zero_quantity():
    p = ProductFactory(stock_quantity=5)
    for q in [0, -2]:
        try:
            services.stock_reserve(order_id=uuid.uuid4(), items={p.pk: q})
            print("ZERO ok", q)
        except Exception as e:
            print("ZERO", q, type(e), str(e)[:100])
    print("stock", Product.objects.get(pk=p.pk).stock_quantity)


def test_probe_repeat_price():
    p = ProductFactory(stock_quantity=5, price=Decimal("100.00"))
    o = uuid.uuid4()
    first = services.stock_reserve(order_id=o, items={p.pk: 1})
    Product.objects.filter(pk=p.pk).update(price=Decimal("200.00"))
    second = services.stock_reserve(order_id=o, items={p.pk: 1})
    print("PRICE", first[0].unit_price, second[0].unit_price)


def test_probe_search_symbols(api_client):
    ProductFactory(name="Kia")
    for s in ["!!!", "&", "'", "kia:*", '"kia', "-kia", "x" * 201]:
        r = api_client.get(URL, {"search": s})
        print("SEARCH", repr(s[:10]), r.status_code, r.json().get("count"))


def test_probe_adjust_zero():
    p = ProductFactory(stock_quantity=5)
    o = uuid.uuid4()
    services.stock_reserve(order_id=o, items={p.pk: 2})
    try:
        services.stock_adjust(order_id=o, product_id=p.pk, quantity=0)
        print("ADJ0 ok")
    except Exception as e:
        print("ADJ0", type(e), str(e)[:100])
    print("stock", Product.objects.get(pk=p.pk).stock_quantity)


def test_probe_price_filter_weird(api_client):
    ProductFactory(name="a", price=Decimal("5"))
    for v in ["NaN", "Infinity", "1e400", "-1"]:
        r = api_client.get(URL, {"min_price": v})
        print("MINPRICE", v, r.status_code, str(r.json())[:150])


def test_probe_category_filter_inactive_and_pagesize(api_client):
    for v in ["0", "-1", "abc", "100000"]:
        r = api_client.get(URL, {"page_size": v})
        print("PAGESIZE", v, r.status_code)
    r = api_client.get(URL, {"page": "999"})
    print("PAGE", r.status_code, r.json())
