import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from financing.annuity import months_after
from financing.models import LoanApplication, LoanInstallment, OutboxEvent
from financing.tests.factories import application_make, car_order_make

pytestmark = pytest.mark.django_db(databases="__all__")

LIST_URL = reverse("financing-applications")
CALCULATOR_URL = reverse("financing-calculator")
PAYLOAD_KEYS = {"id", "order_id", "customer_id", "status", "amount", "currency"}


def terms(**overrides) -> dict:
    """800,000.00 over 60 months at 15.90%: 19,411.96 a month, plus 5,000.00 of other debts."""
    return {
        "vehicle_price": "1000000.00",
        "down_payment": "200000.00",
        "term_months": 60,
        "financing_type": "car_loan",
        "employment_status": "employed",
        "monthly_income": "100000.00",
        "existing_monthly_debts": "5000.00",
        **overrides,
    }


def apply(client, order, **overrides):
    return client.post(LIST_URL, {"order_id": str(order.pk), **terms(**overrides)}, format="json")


def detail_url(application) -> str:
    return reverse("financing-application-detail", args=[application.pk])


def decision_url(application) -> str:
    return reverse("financing-application-decision", args=[application.pk])


def schedule_url(application) -> str:
    return reverse("financing-application-schedule", args=[application.pk])


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
        "Annual rate 15.90% for a car loan of 60 months with 20% down (rate table 2026-01).",
        "Debt-to-income ratio 24.41% is within 40%.",
    ]
    rows = LoanInstallment.objects.filter(application=application)
    assert rows.count() == 60
    assert sum(rows.values_list("principal", flat=True)) == Decimal("800000.00")
    assert sum(rows.values_list("interest", flat=True)) == Decimal(body["total_interest"])
    today = timezone.localdate()
    assert rows.first().due_date == months_after(today, 1)
    events = list(OutboxEvent.objects.order_by("occurred_at"))
    assert [event.type for event in events] == ["financing.submitted", "financing.approved"]
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
    assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["financing.submitted"]
    assert OutboxEvent.objects.get().payload["status"] == "pending_review"


def test_an_unaffordable_loan_is_rejected(customer, customer_client):
    response = apply(customer_client, car_order_make(customer), monthly_income="25000.00")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["debt_to_income"]) == ("rejected", "97.65")
    assert body["reasons"][-1] == "Debt-to-income ratio 97.65% is above the 60% limit."
    assert LoanApplication.objects.get().status == "rejected"
    assert sorted(OutboxEvent.objects.values_list("type", flat=True)) == [
        "financing.rejected",
        "financing.submitted",
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


def test_a_missing_or_another_clients_order_is_a_404(
    customer_client, manager_client, other_customer
):
    others = car_order_make(other_customer)

    responses = [
        apply(customer_client, others),
        customer_client.post(LIST_URL, {"order_id": str(uuid.uuid4()), **terms()}, format="json"),
        apply(manager_client, others),  # staff apply for their own orders only
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.json()["error"]["code"] for r in responses} == {"order_not_found"}
    assert LoanApplication.objects.count() == 0


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
    assert OutboxEvent.objects.filter(type="financing.submitted").count() == 1


def test_after_a_rejection_the_client_may_apply_again(customer, customer_client):
    order = car_order_make(customer)
    application_make(customer, order, monthly_income="25000.00")

    response = apply(customer_client, order)

    assert response.status_code == 201
    statuses = LoanApplication.objects.filter(order_id=order.pk).values_list("status", flat=True)
    assert sorted(statuses) == ["approved", "rejected"]


def test_clients_list_their_own_applications_and_staff_all(
    customer, other_customer, customer_client, manager_client
):
    mine = [application_make(customer) for _ in range(3)]
    theirs = application_make(other_customer)

    own = customer_client.get(LIST_URL, {"page_size": 2}).json()
    everything = manager_client.get(LIST_URL).json()
    rejected = manager_client.get(LIST_URL, {"status": "rejected"}).json()

    assert own["count"] == 3 and len(own["results"]) == 2 and own["next"]
    assert {row["id"] for row in own["results"]} <= {str(a.pk) for a in mine}
    assert everything["count"] == 4
    assert str(theirs.pk) in {row["id"] for row in everything["results"]}
    assert rejected["count"] == 0


@pytest.mark.parametrize("page_size", [1, 5])
def test_lists_cost_the_same_queries_whatever_the_page_size(customer, customer_client, page_size):
    applications = [application_make(customer, term_months=6) for _ in range(5)]
    urls = [LIST_URL, schedule_url(applications[0])]

    with CaptureQueriesContext(connections["financing"]) as queries:
        pages = [customer_client.get(url, {"page_size": page_size}).json() for url in urls]

    assert [len(page["results"]) for page in pages] == [page_size, page_size]
    # applications: count and page; schedule: the application, count and page
    assert len(queries) == 5


def test_another_clients_application_is_a_404_like_a_missing_one(
    customer, other_customer, customer_client
):
    theirs = application_make(other_customer)

    detail = customer_client.get(detail_url(theirs))
    schedule = customer_client.get(schedule_url(theirs))
    missing = customer_client.get(reverse("financing-application-detail", args=[uuid.uuid4()]))

    assert [detail.status_code, schedule.status_code, missing.status_code] == [404, 404, 404]
    assert detail.json() == missing.json()
    assert customer_client.get(detail_url(application_make(customer))).status_code == 200


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


def test_a_manager_decides_an_application_pending_review(
    customer, manager, manager_client, customer_client
):
    application = application_make(customer, monthly_income="40000.00")

    response = manager_client.post(
        decision_url(application), {"decision": "approved", "reason": "Stable employer"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("approved", manager.pk)
    assert application.decided_at is not None
    assert application.reasons[-1] == "Staff decision: Stable employer"
    event = OutboxEvent.objects.get(type="financing.approved")
    assert (event.payload["id"], event.payload["status"]) == (str(application.pk), "approved")
    assert customer_client.get(detail_url(application)).json()["status"] == "approved"


def test_a_client_cannot_decide_even_their_own_application(customer, customer_client):
    application = application_make(customer, monthly_income="40000.00")

    response = customer_client.post(
        decision_url(application), {"decision": "approved", "reason": "Trust me"}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("pending_review", None)
    assert not OutboxEvent.objects.filter(type="financing.approved").exists()


def test_an_application_already_decided_cannot_be_decided_again(customer, admin_client):
    application = application_make(customer)  # approved by scoring

    response = admin_client.post(
        decision_url(application), {"decision": "rejected", "reason": "Changed my mind"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_pending"
    application.refresh_from_db()
    assert application.status == "approved"
    assert not OutboxEvent.objects.filter(type="financing.rejected").exists()


def test_a_decision_must_be_approve_or_reject_with_a_reason(customer, manager_client):
    application = application_make(customer, monthly_income="40000.00")

    withdrawn = manager_client.post(decision_url(application), {"decision": "withdrawn"})

    assert withdrawn.status_code == 400
    assert set(withdrawn.json()["error"]["details"]) == {"decision", "reason"}
    application.refresh_from_db()
    assert application.status == "pending_review"


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


def test_anonymous_users_get_nothing(api_client, customer):
    application = application_make(customer)

    responses = [
        api_client.get(LIST_URL),
        api_client.get(detail_url(application)),
        api_client.post(CALCULATOR_URL, terms(), format="json"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert LoanApplication.objects.count() == 1


def test_status_and_rates_sent_by_the_client_are_ignored(customer, customer_client):
    response = apply(
        customer_client,
        car_order_make(customer),
        monthly_income="25000.00",
        status="approved",
        annual_rate="0.01",
        customer_id="00000000-0000-0000-0000-000000000000",
        currency="USD",
    )

    assert response.status_code == 201
    application = LoanApplication.objects.get()
    assert (application.status, application.annual_rate) == ("rejected", Decimal("15.90"))
    assert application.customer_id == customer.pk
    assert application.currency == "RUB"


def test_the_database_itself_refuses_a_second_open_application_for_an_order(customer):
    first = application_make(customer, monthly_income="40000.00")
    second = LoanApplication.objects.get(pk=first.pk)
    second.pk, second.status = uuid.uuid4(), "approved"

    with pytest.raises(IntegrityError), transaction.atomic(using="financing"):
        second.save(force_insert=True)

    second.status = "rejected"
    second.save(force_insert=True)  # a closed one may sit beside it
    assert LoanApplication.objects.filter(order_id=first.order_id).count() == 2
