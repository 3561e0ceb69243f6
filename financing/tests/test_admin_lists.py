"""The loan application list as a manager uses it: the customer by name and phone, linked to
their CRM record; search, date ranges, totals and the export (docs/admin.md, "Lists")."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from conftest import browser_for, chose_english
from financing.admin import LoanApplicationResource
from financing.models import LoanApplication
from financing.tests.factories import application_make

pytestmark = pytest.mark.django_db(databases="__all__")

LOANS = "admin:financing_loanapplication_changelist"


def listed(browser, **params):
    response = browser.get(reverse(LOANS), params)
    assert response.status_code == 200
    return response, [row.pk for row in response.context["cl"].result_list]


@pytest.fixture
def borrower(db):
    return UserFactory(role="client", full_name="Oleg Sokolov", phone="+79261112233")


@pytest.fixture
def two_loans(borrower, customer):
    """Oleg's loan of 800,000.00 today and another customer's of 300,000.00 a week ago."""
    mine = application_make(borrower)
    older = application_make(customer, vehicle_price="500000.00", down_payment="200000.00")
    LoanApplication.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=7)
    )
    return mine, older


def test_a_loan_shows_its_customers_name_and_phone_linked_to_the_crm(manager, borrower, two_loans):
    mine, _older = two_loans
    browser = browser_for(manager)

    response, _rows = listed(browser, q=str(mine.pk)[:8])
    page = response.content.decode()
    detail = browser.get(reverse("admin:financing_loanapplication_change", args=[mine.pk]))

    assert "Oleg Sokolov" in page and "+79261112233" in page
    assert f"{reverse('admin:crm_client_changelist')}?user_id={borrower.pk}" in page
    assert "Oleg Sokolov" in detail.content.decode()


def test_a_loan_is_found_by_its_short_id_its_order_and_its_customer(manager, two_loans):
    mine, older = two_loans
    browser = browser_for(manager)

    assert listed(browser, q=str(older.pk)[:8])[1] == [older.pk]
    assert listed(browser, q=str(mine.order_id)[:8])[1] == [mine.pk]
    assert listed(browser, q="Sokolov")[1] == [mine.pk]
    assert listed(browser, q="8 926 111-22-33")[1] == [mine.pk]


def test_the_date_range_narrows_the_loans_and_their_totals(manager, two_loans):
    mine, older = two_loans
    browser = browser_for(manager)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    everything, all_rows = listed(browser)
    recent, recent_rows = listed(browser, created_at__range__gte=since)

    assert set(all_rows) == {mine.pk, older.pk}
    assert recent_rows == [mine.pk]
    assert everything.context["totals"][0]["sums"][0] == ("loan amount", "1,100,000.00\xa0RUB")
    assert recent.context["totals"][0]["sums"][0] == ("loan amount", "800,000.00\xa0RUB")


def test_the_export_holds_the_filtered_loans(manager, two_loans):
    chose_english(manager)  # the columns below are read in English
    mine, _older = two_loans
    browser = browser_for(manager)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    fields = {
        f"loanapplicationresource_{name}": "on"
        for name in LoanApplicationResource().get_export_order()
    }

    response = browser.post(
        f"{reverse('admin:financing_loanapplication_export')}?created_at__range__gte={since}",
        {"resource": "0", "format": "0", **fields},
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["ID"], row["Customer"], Decimal(row["Loan amount"])) for row in rows] == [
        (str(mine.pk), str(mine.customer_id), Decimal("800000.00"))
    ]


def test_loans_read_in_russian(manager, two_loans):
    with translation.override("ru"):
        page = browser_for(manager).get(reverse(LOANS), HTTP_ACCEPT_LANGUAGE="ru")
        labels = [str(field.verbose_name) for field in LoanApplication._meta.fields]
        statuses = [
            str(label) for _value, label in LoanApplication._meta.get_field("status").choices
        ]

    assert "Одобрена" in page.content.decode()
    assert "сумма кредита" in labels and "клиент" in labels
    assert statuses == [
        "На рассмотрении",
        "Одобрена",
        "Отклонена",
        "Отозвана",
        "Кредит выдан",
        "Кредит возвращён",
        "Переплата: вернуть банку",
    ]
