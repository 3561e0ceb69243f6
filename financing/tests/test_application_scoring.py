"""Submitting an application: the scoring decides it at once, and the offer, its schedule
and its events are written with it."""

from decimal import Decimal

import pytest
from django.utils import timezone

from financing.annuity import months_after
from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import (
    PAYLOAD_KEYS,
    application_make,
    apply,
    car_order_make,
    detail_url,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def test_an_affordable_loan_is_approved_with_its_rate_schedule_and_events(
    customer, customer_client
):
    order = car_order_make(customer)

    response = apply(customer_client, order)

    assert response.status_code == 201, response.json()
    body = response.json()
    application = LoanApplication.objects.get()
    assert body["id"] == str(application.pk)
    assert (body["status"], application.status) == ("approved", "approved")
    assert body["loan_amount"] == "800000.00"
    assert (body["annual_rate"], body["rate_table_version"]) == ("15.90", "2026-01")
    assert body["monthly_payment"] == "19411.96"
    assert body["debt_to_income"] == "24.41"  # (19,411.96 + 5,000.00) / 100,000.00
    assert body["currency"] == order.currency
    assert body["customer_id"] == str(customer.pk)
    assert body["reasons"] == [
        {
            "code": "rate",
            "params": {
                "rate": "15.90",
                "financing_type": "car_loan",
                "term": "60",
                "down": "20",
                "table": "2026-01",
            },
            "label": "Annual rate 15.90% for a car loan of 60 months with 20% down "
            "(rate table 2026-01).",
        },
        {
            "code": "dti_within",
            "params": {"dti": "24.41", "limit": "40"},
            "label": "Debt-to-income ratio 24.41% is within 40%.",
        },
    ]
    # In Russian, from the same codes.
    russian = customer_client.get(detail_url(application), HTTP_ACCEPT_LANGUAGE="ru").json()
    assert [reason["label"] for reason in russian["reasons"]] == [
        "Ставка 15,90% годовых: автокредит на 60 мес., первоначальный взнос 20% "
        "(таблица ставок 2026-01).",
        "Долговая нагрузка 24,41% — в пределах 40%.",
    ]
    rows = LoanInstallment.objects.filter(application=application)
    assert rows.count() == 60
    assert sum(rows.values_list("principal", flat=True)) == Decimal("800000.00")
    assert sum(rows.values_list("interest", flat=True)) == Decimal(body["total_interest"])
    today = timezone.localdate()
    assert rows.first().due_date == months_after(today, 1)
    events = list(OutboxEvent.objects.order_by("occurred_at"))
    assert [event.type for event in events] == [
        "loan_application.submitted",
        "loan_application.approved",
    ]
    for event in events:
        assert event.aggregate_id == str(application.pk)
        assert set(event.payload) >= PAYLOAD_KEYS
        assert {key: event.payload[key] for key in PAYLOAD_KEYS} == {
            "id": str(application.pk),
            "order_id": str(order.pk),
            "customer_id": str(customer.pk),
            "status": "approved",
            "amount": "800000.00",
            "currency": order.currency,
        }


def test_a_stretched_budget_waits_for_a_manager(customer, customer_client):
    response = apply(customer_client, car_order_make(customer), monthly_income="50000.00")

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["debt_to_income"]) == (
        "pending_review",
        "48.82",
    )
    assert LoanApplication.objects.get().status == "pending_review"
    assert list(OutboxEvent.objects.values_list("type", flat=True)) == [
        "loan_application.submitted"
    ]
    assert OutboxEvent.objects.get().payload["status"] == "pending_review"


def test_an_unaffordable_loan_is_rejected(customer, customer_client):
    response = apply(customer_client, car_order_make(customer), monthly_income="25000.00")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["debt_to_income"]) == ("rejected", "97.65")
    assert body["reasons"][-1]["label"] == "Debt-to-income ratio 97.65% is above the 60% limit."
    assert LoanApplication.objects.get().status == "rejected"
    assert sorted(OutboxEvent.objects.values_list("type", flat=True)) == [
        "loan_application.rejected",
        "loan_application.submitted",
    ]


def test_exactly_forty_percent_is_approved_and_exactly_sixty_is_reviewed(customer):
    at_forty = application_make(customer, monthly_income="48529.90")  # 19,411.96 / 48,529.90
    at_sixty = application_make(customer, monthly_income="32353.27")

    assert (at_forty.debt_to_income, at_forty.status) == (Decimal("40.00"), "approved")
    assert (at_sixty.debt_to_income, at_sixty.status) == (Decimal("60.00"), "pending_review")


def test_a_half_down_short_lease_is_interest_free(customer, customer_client):
    order = car_order_make(customer, "1000000.00")

    response = apply(
        customer_client,
        order,
        financing_type="lease",
        down_payment="500000.00",
        term_months=12,
        existing_monthly_debts="0.00",
    )

    body = response.json()
    assert (body["annual_rate"], body["monthly_payment"], body["total_interest"]) == (
        "0.00",
        "41666.67",
        "0.00",
    )
    last = LoanInstallment.objects.get(number=12)
    assert (last.payment, last.balance) == (Decimal("41666.63"), Decimal("0.00"))


def test_status_and_rates_sent_by_the_client_are_refused_by_name(customer, customer_client):
    response = apply(
        customer_client,
        car_order_make(customer),
        monthly_income="25000.00",
        status="approved",
        annual_rate="0.01",
        customer_id="00000000-0000-0000-0000-000000000000",
        currency="USD",
    )

    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert sorted(details) == ["annual_rate", "currency", "customer_id", "status"]
    assert LoanApplication.objects.count() == 0
