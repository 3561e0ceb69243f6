"""Applications refused, with nothing written: malformed terms, terms the order does not
allow, an order that cannot be financed, and a second open application for one order."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import LIST_URL, application_make, apply, car_order_make, terms

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vehicle_price": "1000.001"}, "vehicle_price"),
        ({"down_payment": "-1.00"}, "down_payment"),
        ({"monthly_income": "0.00"}, "monthly_income"),
        ({"monthly_income": "-5000"}, "monthly_income"),
        ({"existing_monthly_debts": "-0.01"}, "existing_monthly_debts"),
        ({"vehicle_price": "1" + "0" * 15}, "vehicle_price"),
        ({"vehicle_price": "NaN"}, "vehicle_price"),
        ({"vehicle_price": [1000]}, "vehicle_price"),
        ({"term_months": 5}, "term_months"),
        ({"term_months": 85}, "term_months"),
        ({"term_months": "twelve"}, "term_months"),
        ({"term_months": 12.5}, "term_months"),
        ({"financing_type": "mortgage"}, "financing_type"),
        ({"employment_status": None}, "employment_status"),
        ({"order_id": "not-a-uuid"}, "order_id"),
    ],
)
def test_malformed_terms_are_refused_field_by_field_and_nothing_is_written(
    customer, customer_client, overrides, field
):
    order = car_order_make(customer)

    response = customer_client.post(
        LIST_URL, {"order_id": str(order.pk), **terms(), **overrides}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert LoanApplication.objects.count() == 0
    assert LoanInstallment.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"down_payment": "1000000.00"}, 400, "down_payment_too_large"),
        ({"down_payment": "1000000.01"}, 400, "down_payment_too_large"),
        ({"down_payment": "999000.01"}, 400, "loan_amount_too_small"),
        ({"vehicle_price": "1000000.01"}, 400, "vehicle_price_exceeds_order"),
    ],
)
def test_terms_the_order_does_not_allow_are_refused_and_nothing_is_written(
    customer, customer_client, overrides, status, code
):
    response = apply(customer_client, car_order_make(customer), **overrides)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert LoanApplication.objects.count() == 0
    assert LoanInstallment.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_a_cancelled_order_cannot_be_financed(customer, customer_client):
    from orders import services as orders_services

    order = car_order_make(customer)
    orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    response = apply(customer_client, order)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_financeable"
    assert LoanApplication.objects.count() == 0


def test_a_second_open_application_for_an_order_is_a_conflict(customer, customer_client):
    order = car_order_make(customer)
    application_make(customer, order, monthly_income="40000.00")  # pending review

    response = apply(customer_client, order)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_already_open"
    assert LoanApplication.objects.filter(order_id=order.pk).count() == 1
    assert OutboxEvent.objects.filter(type="loan_application.submitted").count() == 1


def test_after_a_rejection_the_client_may_apply_again(customer, customer_client):
    order = car_order_make(customer)
    application_make(customer, order, monthly_income="25000.00")

    response = apply(customer_client, order)

    assert response.status_code == 201
    statuses = LoanApplication.objects.filter(order_id=order.pk).values_list("status", flat=True)
    assert sorted(statuses) == ["approved", "rejected"]


def test_the_database_itself_refuses_a_second_open_application_for_an_order(customer):
    first = application_make(customer, monthly_income="40000.00")
    values = {field.attname: getattr(first, field.attname) for field in first._meta.fields}

    def beside_it(status: str) -> LoanApplication:
        """The same application again, under another id and in `status`."""
        return LoanApplication(**{**values, "id": uuid.uuid4(), "status": status})

    with pytest.raises(IntegrityError), transaction.atomic(using="financing"):
        beside_it("approved").save(force_insert=True)

    beside_it("rejected").save(force_insert=True)  # a closed one may sit beside it
    assert LoanApplication.objects.filter(order_id=first.order_id).count() == 2
