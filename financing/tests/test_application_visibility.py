"""Who sees what: clients their own orders and applications, another client's as missing,
staff every application, anonymous users nothing; and what the lists cost."""

import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from financing.models import LoanApplication
from financing.tests.factories import (
    CALCULATOR_URL,
    LIST_URL,
    application_make,
    apply,
    car_order_make,
    detail_url,
    schedule_url,
    terms,
)

pytestmark = pytest.mark.django_db(databases="__all__")


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
    # applications: count, page and the page's decisions; schedule: the application and its
    # decisions, count and page
    assert len(queries) == 7


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


def test_anonymous_users_get_nothing(api_client, customer):
    application = application_make(customer)

    responses = [
        api_client.get(LIST_URL),
        api_client.get(detail_url(application)),
        api_client.post(CALCULATOR_URL, terms(), format="json"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert LoanApplication.objects.count() == 1
