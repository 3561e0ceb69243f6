"""Repayment schedules: a stored application's, page by page, and the calculator's preview,
which writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from financing.annuity import months_after
from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import CALCULATOR_URL, application_make, schedule_url, terms

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_schedule_lists_every_installment_in_order(customer, customer_client):
    application = application_make(customer)

    first_page = customer_client.get(schedule_url(application), {"page_size": 100}).json()

    rows = first_page["results"]
    assert first_page["count"] == 60 and len(rows) == 60
    assert [row["number"] for row in rows] == list(range(1, 61))
    assert set(rows[0]) == {"number", "due_date", "payment", "principal", "interest", "balance"}
    assert {row["payment"] for row in rows[:-1]} == {"19411.96"}
    assert rows[0]["interest"] == "10600.00"  # 800,000.00 × 15.90% / 12
    assert rows[-1]["balance"] == "0.00"
    assert sum(Decimal(row["principal"]) for row in rows) == application.loan_amount
    stored = LoanInstallment.objects.filter(application=application).order_by("number")
    assert [str(row.payment) for row in stored] == [row["payment"] for row in rows]


def test_the_calculator_previews_the_offer_and_schedule_and_writes_nothing(customer_client):
    today = timezone.localdate()
    first_due_date = date(today.year + (today > date(today.year, 1, 31)), 1, 31)  # the next
    response = customer_client.post(
        CALCULATOR_URL, {**terms(), "first_due_date": first_due_date.isoformat()}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["loan_amount"], body["annual_rate"]) == (
        "approved",
        "800000.00",
        "15.90",
    )
    assert (body["monthly_payment"], body["debt_to_income"]) == ("19411.96", "24.41")
    schedule = body["schedule"]
    assert len(schedule) == 60
    assert [date.fromisoformat(row["due_date"]) for row in schedule[:3]] == [
        first_due_date,
        months_after(first_due_date, 1),  # the last day of February
        months_after(first_due_date, 2),  # the 31st again
    ]
    assert schedule[2]["due_date"].endswith("-03-31")
    assert sum(Decimal(row["interest"]) for row in schedule) == Decimal(body["total_interest"])
    assert schedule[-1]["balance"] == "0.00"
    assert LoanApplication.objects.count() == 0
    assert LoanInstallment.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_the_calculator_starts_a_month_from_today_by_default_and_refuses_bad_terms(
    customer_client,
):
    preview = customer_client.post(CALCULATOR_URL, terms(term_months=6), format="json").json()
    refused = customer_client.post(CALCULATOR_URL, terms(down_payment="1000000.00"), format="json")
    far_off = customer_client.post(
        CALCULATOR_URL, {**terms(), "first_due_date": "9999-12-31"}, format="json"
    )

    today = timezone.localdate()
    assert preview["schedule"][0]["due_date"] == months_after(today, 1).isoformat()
    assert date.fromisoformat(preview["schedule"][-1]["due_date"]) == months_after(today, 6)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "down_payment_too_large"
    assert far_off.status_code == 400
    assert list(far_off.json()["error"]["details"]) == ["first_due_date"]
    assert LoanApplication.objects.count() == 0
