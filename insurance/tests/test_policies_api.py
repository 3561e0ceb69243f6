from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from insurance import services
from insurance.models import Policy, Quote
from insurance.tests.factories import outbox_payload, policy_make, quote_make

pytestmark = pytest.mark.django_db(databases="__all__")


def purchase(client, quote):
    return client.post(reverse("insurance-quote-purchase", args=[quote.pk]))


def cancel(client, policy, reason="Sold the car"):
    return client.post(reverse("insurance-policy-cancel", args=[policy.pk]), {"reason": reason})


def test_buying_a_quote_makes_an_active_one_year_policy(customer_client, customer):
    quote = quote_make(customer)
    today = timezone.localdate()

    response = purchase(customer_client, quote)

    assert response.status_code == 201, response.json()
    body = response.json()
    policy = Policy.objects.get()
    assert body["id"] == str(policy.pk)
    assert body["number"] == policy.number
    assert policy.number.startswith(f"KASKO-{today:%Y}-")
    assert (body["status"], body["premium"], body["quote_id"]) == (
        "active",
        "64000.00",
        str(quote.pk),
    )
    # From today to the day before the same date next year, both days included.
    assert policy.start_date == today
    assert policy.end_date + timedelta(days=1) == today.replace(year=today.year + 1)
    assert body["end_date"] == policy.end_date.isoformat()
    assert Quote.objects.get(pk=quote.pk).status == "purchased"
    payload = outbox_payload("insurance.purchased", policy)
    assert (payload["status"], payload["amount"], payload["quote_id"]) == (
        "active",
        "64000.00",
        str(quote.pk),
    )


def test_a_quote_bought_twice_is_refused(customer_client, customer):
    quote = quote_make(customer)
    purchase(customer_client, quote)

    again = purchase(customer_client, quote)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "quote_already_purchased"
    assert Policy.objects.count() == 1


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_concurrent_purchases_of_one_quote_make_one_policy(customer):
    quote = quote_make(customer)

    def buy():
        try:
            return services.quote_purchase(quote_id=quote.pk).pk
        except ApplicationError as exc:
            return exc.code

    results = run_concurrently(8, buy)

    assert Policy.objects.filter(quote=quote).count() == 1
    assert results.count("quote_already_purchased") == 7
    assert Policy.objects.get().pk in results


def test_clients_see_their_own_policies_and_staff_all(
    customer_client, manager_client, customer, other_customer
):
    mine = policy_make(customer)
    theirs = policy_make(other_customer)
    url = reverse("insurance-policies")

    own = customer_client.get(url).json()
    everything = manager_client.get(url, {"status": "active"}).json()
    other = customer_client.get(reverse("insurance-policy-detail", args=[theirs.pk]))

    assert [row["number"] for row in own["results"]] == [mine.number]
    assert {row["id"] for row in everything["results"]} == {str(mine.pk), str(theirs.pk)}
    assert other.status_code == 404


def test_cancelling_refunds_the_unused_days_to_the_kopeck(customer_client, customer):
    # Given a 64,000.00 policy of 365 days with 200 days left after today
    policy = policy_make(customer)
    end = timezone.localdate() + timedelta(days=200)
    Policy.objects.filter(pk=policy.pk).update(end_date=end, start_date=end - timedelta(days=364))

    response = cancel(customer_client, policy)

    assert response.status_code == 200, response.json()
    policy.refresh_from_db()
    # 64,000.00 × 200 / 365 = 35,068.4931... → 35,068.49; today counts as used.
    assert policy.refund_amount == Decimal("35068.49")
    assert (policy.status, policy.cancelled_on, policy.cancelled_by_id) == (
        "cancelled",
        timezone.localdate(),
        customer.pk,
    )
    assert response.json()["refund_amount"] == "35068.49"
    payload = outbox_payload("insurance.cancelled", policy)
    assert (payload["status"], payload["amount"], payload["premium"]) == (
        "cancelled",
        "35068.49",
        "64000.00",
    )


def test_a_policy_is_cancelled_once(customer_client, customer):
    policy = policy_make(customer)
    cancel(customer_client, policy)
    refund = Policy.objects.get().refund_amount

    again = cancel(customer_client, policy)

    assert (again.status_code, again.json()["error"]["code"]) == (409, "policy_not_active")
    assert Policy.objects.get().refund_amount == refund


def test_another_client_cannot_cancel_my_policy(customer, other_customer):
    policy = policy_make(customer)

    response = cancel(client_for(other_customer), policy)

    assert response.status_code == 404
    assert Policy.objects.get().status == "active"
