"""The payment and refund lists as a manager uses them: search, date ranges, totals and
exports of what the list shows (docs/admin.md, "Lists")."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from django.db import connections
from django.http import HttpResponseBase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from conftest import browser_for, chose_english
from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make
from payments import services
from payments.admin import PaymentResource, RefundResource
from payments.models import Payment, Refund
from payments.tests.factories import completed_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")

PAYMENTS = "admin:payments_payment_changelist"


def listed(browser, url_name: str, **params) -> tuple[HttpResponseBase, list[UUID]]:
    response = browser.get(reverse(url_name), params)
    assert response.status_code == 200
    return response, [row.pk for row in response.context["cl"].result_list]


def export(browser, url_name: str, resource, file_format: int, **params):
    """The list's "Export" as a manager submits it: every column, in CSV (0) or XLSX (1)."""
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return browser.post(
        f"{reverse(url_name.replace('_changelist', '_export'))}?{query}",
        {"resource": "0", "format": str(file_format), **fields},
    )


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def payer(db):
    return UserFactory(role="client", full_name="Marina Volkova", phone="+79151234567")


@pytest.fixture
def two_payments(payer, customer, provider):
    """Marina's payment of 1,000.00 today and another customer's of 250.00 ten days ago."""
    mine = completed_payment_make(payer, order_make(payer, (product_make(price="1000"), 1)), "1000")
    older = completed_payment_make(
        customer, order_make(customer, (product_make(price="250"), 1)), "250"
    )
    Payment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=10))
    return mine, older


def test_a_payment_is_found_by_its_short_id_its_order_and_its_provider_reference(
    manager, two_payments
):
    mine, older = two_payments
    browser = browser_for(manager)

    by_short_id = listed(browser, PAYMENTS, q=str(mine.pk)[:8])[1]
    by_whole_id = listed(browser, PAYMENTS, q=str(mine.pk))[1]
    by_order = listed(browser, PAYMENTS, q=str(older.payable_id)[:8])[1]
    by_reference = listed(browser, PAYMENTS, q=mine.provider_reference)[1]

    assert mine.provider_reference
    assert (by_short_id, by_whole_id, by_order, by_reference) == (
        [mine.pk],
        [mine.pk],
        [older.pk],
        [mine.pk],
    )


def test_a_payment_is_found_by_the_payers_name_and_phone(manager, payer, two_payments):
    mine, _older = two_payments
    browser = browser_for(manager)

    by_name = listed(browser, PAYMENTS, q="Volkova")[1]
    by_phone = listed(browser, PAYMENTS, q="915 123-45-67")[1]
    page = browser.get(reverse("admin:payments_payment_change", args=[mine.pk])).content.decode()

    assert by_name == by_phone == [mine.pk]
    assert "Marina Volkova" in page and "+79151234567" in page


def test_the_date_range_narrows_the_list_and_its_totals(manager, two_payments):
    mine, older = two_payments
    browser = browser_for(manager)
    today = timezone.localdate()

    response, everything = listed(browser, PAYMENTS)
    recent_response, recent = listed(
        browser, PAYMENTS, created_at__range__gte=(today - timedelta(days=2)).isoformat()
    )

    assert sorted(map(str, everything)) == sorted([str(mine.pk), str(older.pk)])
    assert recent == [mine.pk]
    assert [group["currency"] for group in response.context["totals"]] == ["RUB"]
    assert response.context["totals"][0]["sums"][0][1] == "1,250.00\xa0RUB"
    assert recent_response.context["totals"][0]["sums"][0][1] == "1,000.00\xa0RUB"
    assert "Totals of the list" in recent_response.content.decode()


def test_the_export_holds_the_filtered_payments_as_csv_and_xlsx(manager, two_payments):
    chose_english(manager)  # the columns below are read in English
    mine, older = two_payments
    browser = browser_for(manager)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    rows = csv_rows(export(browser, PAYMENTS, PaymentResource, 0, created_at__range__gte=since))
    everything = csv_rows(export(browser, PAYMENTS, PaymentResource, 0))
    xlsx = export(browser, PAYMENTS, PaymentResource, 1, q=str(older.pk)[:8])

    assert [(row["ID"], Decimal(row["Amount"])) for row in rows] == [
        (str(mine.pk), Decimal("1000.00"))
    ]
    assert {row["ID"] for row in everything} == {str(mine.pk), str(older.pk)}
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header, *data = list(sheet.values)
    assert header[:2] == ("ID", "Created")
    # Money as numbers, which a spreadsheet sums.
    assert [(row[0], row[header.index("Amount")]) for row in data] == [(str(older.pk), 250)]


def test_refunds_are_found_filtered_totalled_and_exported(manager, two_payments):
    chose_english(manager)  # the columns below are read in English
    mine, older = two_payments
    first = services.payment_refund(payment_id=mine.pk, amount=Decimal("300.00"), reason="Dent")
    second = services.payment_refund(payment_id=older.pk, amount=Decimal("50.00"), reason="Late")
    Refund.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=5))
    browser = browser_for(manager)
    refunds = "admin:payments_refund_changelist"
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    by_payment = listed(browser, refunds, q=str(older.pk)[:8])[1]
    by_order = listed(browser, refunds, q=str(mine.payable_id)[:8])[1]
    response, recent = listed(browser, refunds, created_at__range__gte=since)
    rows = csv_rows(export(browser, refunds, RefundResource, 0, created_at__range__gte=since))

    assert (by_payment, by_order, recent) == ([second.pk], [first.pk], [first.pk])
    assert response.context["totals"][0]["sums"] == [("amount", "300.00\xa0RUB")]
    assert [(row["ID"], row["Payment"], Decimal(row["Amount"])) for row in rows] == [
        (str(first.pk), str(mine.pk), Decimal("300.00"))
    ]


def test_the_payment_list_reads_in_russian(manager, two_payments):
    browser = browser_for(manager)

    with translation.override("ru"):
        response = browser.get(reverse(PAYMENTS), HTTP_ACCEPT_LANGUAGE="ru")
        page = response.content.decode()
        options = {str(label) for _value, label in Payment._meta.get_field("status").choices}

    assert "Платёж" in page and "Проведён" in page
    assert {"Ожидает", "Проведён", "Возвращён"} <= options


def test_each_payment_names_its_order_by_number_read_once_for_the_page(manager, two_payments):
    mine, older = two_payments
    browser = browser_for(manager)
    numbers = {
        str(payment.payable_id): order_number
        for payment in (mine, older)
        for order_number in [orders_selectors.order_number(order_id=payment.payable_id)]
    }

    with CaptureQueriesContext(connections["orders"]) as orders_db:
        response, _rows = listed(browser, PAYMENTS)
    page = response.content.decode()

    assert all(f">{number}</a>" in page for number in numbers.values())
    assert not any(f">{order_id[:8]}</a>" in page for order_id in numbers)
    assert len(orders_db.captured_queries) == 1  # the page's numbers at once
    one = browser.get(reverse("admin:payments_payment_change", args=[mine.pk])).content.decode()
    assert f">{numbers[str(mine.payable_id)]}</a>" in one
