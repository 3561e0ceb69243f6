"""The order list as a manager works it (docs/admin.md, "Lists"): found by number, person,
vehicle or VIN; narrowed by dates; summed under the table; exported as CSV or XLSX with its
filters; and the order's page shows how to reach the customer."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from conftest import browser_for, chose_english
from orders import services
from orders.models import Order
from orders.tests.factories import order_make, product_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")

CHANGELIST = "admin:orders_order_changelist"
EXPORT = "admin:orders_order_export"
EXPORT_FIELDS = [
    "number",
    "created",
    "customer",
    "email",
    "phone",
    "vehicle",
    "status",
    "total_amount",
    "paid_amount",
    "currency",
]


@pytest.fixture
def buyer(db):
    return UserFactory(
        full_name="Ekaterina Smirnova", email="e.smirnova@example.com", phone="+79161234567"
    )


@pytest.fixture
def two_orders(buyer, customer):
    """The buyer's order of a Lada Vesta (with a VIN) and someone else's of floor mats."""
    vesta = catalog_services.product_update(
        product=vehicle_make(price="1250000.00"), name="Lada Vesta SW Cross"
    )
    mats = catalog_services.product_update(product=product_make(price="4500.00"), name="Floor mats")
    return order_make(buyer, (vesta, 1)), order_make(customer, (mats, 2)), vesta


def found(manager, term: str, **filters) -> set:
    response = browser_for(manager).get(reverse(CHANGELIST), {"q": term, **filters})
    assert response.status_code == 200
    return {order.pk for order in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term",
    [
        "number",  # as the list shows it: А-2026-000123
        "number-latin",  # typed on an English keyboard, without the leading zeros
        "number-bare",  # the year and the serial alone
        "number-prefix",  # the id's beginning, as older e-mails showed it
        "Smirnova",  # the name
        "e.smirnova@example",  # the e-mail
        "916 123-45-67",  # the phone, as typed
        "Vesta",  # the vehicle
        "vin-tail",  # the last characters of its VIN
    ],
)
def test_an_order_is_found_by_number_person_vehicle_and_vin(manager, two_orders, term):
    vesta_order, _, vesta = two_orders
    serial = vesta_order.number.rsplit("-", 1)[1]
    term = {
        "number": vesta_order.number,
        "number-latin": "a-{}-{}".format(*vesta_order.number.split("-")[1:2], int(serial)),
        "number-bare": "{} - {}".format(*vesta_order.number.split("-")[1:2], serial),
        "number-prefix": str(vesta_order.pk)[:5].upper(),
        "vin-tail": vesta.vin[-6:].lower(),
    }.get(term, term)

    assert found(manager, term) == {vesta_order.pk}


def test_a_search_that_matches_nothing_finds_nothing(manager, two_orders):
    assert found(manager, "Zhiguli") == set()
    assert found(manager, "XTA99999") == set()


def test_the_vehicle_is_a_column_read_with_the_page_not_per_order(manager, buyer, two_orders):
    vesta_order, mats_order, _ = two_orders
    browser = browser_for(manager)

    def list_queries():
        with (
            CaptureQueriesContext(connections["orders"]) as orders_db,
            CaptureQueriesContext(connections["default"]) as accounts_db,
        ):
            response = browser.get(reverse(CHANGELIST))
        return response, len(orders_db) + len(accounts_db)

    response, queries_for_two = list_queries()
    for _ in range(3):
        order_make(buyer, (product_make(), 1))
    _, queries_for_five = list_queries()

    rows = {row.pk: row for row in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert ">Lada Vesta SW Cross</span>" in admin.vehicle(rows[vesta_order.pk])
    assert ">Floor mats</span>" in admin.vehicle(rows[mats_order.pk])
    assert "Lada Vesta SW Cross" in response.content.decode()
    assert queries_for_five == queries_for_two


def test_the_date_range_narrows_the_list_in_the_dealerships_days(manager, buyer):
    old, new = order_make(buyer, (product_make(), 1)), order_make(buyer, (product_make(), 1))
    zone = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)
    # 00:30 in Moscow on 1 March is still 28 February in UTC: the filter reads Moscow's day.
    Order.objects.filter(pk=old.pk).update(created_at=datetime(2026, 3, 1, 0, 30, tzinfo=zone))
    Order.objects.filter(pk=new.pk).update(created_at=datetime(2026, 3, 20, 12, 0, tzinfo=zone))

    march_first = {"created_at__range__gte": "2026-03-01", "created_at__range__lte": "2026-03-01"}
    whole_month = {"created_at__range__gte": "2026-03-01", "created_at__range__lte": "2026-03-31"}

    assert found(manager, "", **march_first) == {old.pk}
    assert found(manager, "", **whole_month) == {old.pk, new.pk}


def test_the_totals_under_the_list_sum_the_filtered_orders(manager, buyer, customer):
    first = order_make(buyer, (product_make(price="1000000.00"), 1))
    order_make(buyer, (product_make(price="250000.50"), 2))
    other = order_make(customer, (product_make(price="99.00"), 1))
    services.order_status_set(order_id=other.pk, status="cancelled", user=manager)
    services.order_status_set(order_id=first.pk, status="paid", reason="captured")

    response = browser_for(manager).get(reverse(CHANGELIST), {"status__exact": "pending"})

    totals = response.context_data["totals"]
    assert [group["currency"] for group in totals] == ["RUB"]
    assert [str(title) for title, _ in totals[0]["sums"]] == ["total", "paid"]
    assert totals[0]["sums"][0][1] == "500,001.00\xa0RUB"
    sums = Order.objects.filter(status="pending").values_list("total_amount", flat=True)
    assert sum(sums) == Decimal("500001.00")
    assert "500,001.00" in response.content.decode()

    # The whole list: the cancelled order's 99.00 is not money anyone owes or paid.
    everything = browser_for(manager).get(reverse(CHANGELIST))
    assert everything.context_data["totals"][0]["sums"][0][1] == "1,500,001.00\xa0RUB"
    assert "cancelled orders not counted" in everything.content.decode()


def export(manager, file_format: int, **filters):
    url = reverse(EXPORT)
    if filters:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in filters.items())}"
    data = {"format": str(file_format), "resource": "0"}
    data.update({f"orderresource_{field}": "on" for field in EXPORT_FIELDS})
    return browser_for(manager).post(url, data)


def test_the_list_exports_as_csv_with_its_search(manager, buyer, two_orders):
    chose_english(manager)  # the columns below are read in English
    vesta_order = two_orders[0]

    response = export(manager, 0, q="Vesta")

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Order",
        "Created",
        "Customer",
        "E-mail",
        "Phone",
        "Purchase",
        "Status",
        "Total",
        "Paid",
        "Currency",
    ]
    order = Order.objects.get(pk=vesta_order.pk)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Order"] == order.number
    assert (row["Customer"], row["E-mail"], row["Phone"]) == (
        "Ekaterina Smirnova",
        "e.smirnova@example.com",
        "'+79161234567",  # a CSV cell that starts with + is escaped (common/spreadsheets.py)
    )
    assert (row["Purchase"], row["Status"], row["Currency"]) == (
        "Lada Vesta SW Cross",
        "Pending",
        "RUB",
    )
    assert Decimal(row["Total"]) == order.total_amount == Decimal("1250000.00")
    assert Decimal(row["Paid"]) == order.paid_amount == Decimal("0")


def test_the_list_exports_as_xlsx_with_its_filters_and_money_as_numbers(manager, buyer, two_orders):
    chose_english(manager)  # the columns below are read in English
    mats_order = two_orders[1]
    services.order_status_set(order_id=mats_order.pk, status="cancelled", user=manager)

    response = export(manager, 1, status__exact="cancelled")

    assert response.status_code == 200, response.content[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the cancelled order only
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Order"] == mats_order.number
    assert row["Purchase"] == "Floor mats"
    assert row["Status"] == "Cancelled"
    assert isinstance(row["Total"], (int, float, Decimal))
    assert Decimal(str(row["Total"])) == Order.objects.get(pk=mats_order.pk).total_amount


def test_the_order_page_shows_the_customers_phone_and_email(manager, buyer, two_orders):
    vesta_order = two_orders[0]

    response = browser_for(manager).get(reverse("admin:orders_order_change", args=[vesta_order.pk]))

    page = response.content.decode()
    assert "Ekaterina Smirnova" in page
    assert "+79161234567" in page
    assert "e.smirnova@example.com" in page
    assert f"/admin/crm/client/?user_id={buyer.pk}" in page


def test_the_order_list_and_page_speak_russian(manager, buyer, two_orders):
    vesta_order = two_orders[0]
    browser = browser_for(manager)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    listing = browser.get(reverse(CHANGELIST)).content.decode()
    page = browser.get(reverse("admin:orders_order_change", args=[vesta_order.pk])).content.decode()

    assert "Ожидает оплаты" in listing  # the status
    assert ">Покупка<" in listing  # the purchase column: a car, or accessories
    assert "1 250 000,00 ₽" in listing.replace("\xa0", " ")
    assert "Взять выбранные заказы в работу" in listing  # an action
    for english in ("Pending", "Start processing the selected orders", "Purchase"):
        assert english not in listing
    assert "Примечания" in page
    for english in ("Customer synced at", "Notes", "Technical", "Unit price"):
        assert english not in page


def test_old_orders_are_not_in_a_range_that_ends_before_them(manager, buyer):
    order = order_make(buyer, (product_make(), 1))
    yesterday = (datetime.now(ZoneInfo(settings.DEALERSHIP_TIME_ZONE)) - timedelta(days=1)).date()

    assert found(manager, "", created_at__range__lte=yesterday.isoformat()) == set()
    assert found(manager, "", created_at__range__gte=yesterday.isoformat()) == {order.pk}


def test_an_order_of_several_vehicles_shows_the_first_and_how_many_more(manager, buyer):
    long_name = "Lada Largus Cross 1.6 16V 7-seater Luxe"
    first = catalog_services.product_update(product=vehicle_make(), name=long_name)
    second = catalog_services.product_update(product=vehicle_make(), name="Lada Niva Legend")
    order = order_make(buyer, (first, 1), (second, 1), (product_make(), 1))

    response = browser_for(manager).get(reverse(CHANGELIST))

    row = next(o for o in response.context["cl"].result_list if o.pk == order.pk)
    cell = response.context["cl"].model_admin.vehicle(row)
    assert f'title="{long_name}, Lada Niva Legend"' in cell  # the accessory is not a vehicle
    assert ">Lada Largus Cross 1.6 1… and 1 more</span>" in cell
