from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from insurance import services
from insurance.models import OutboxEvent, Policy, Quote
from insurance.tests.factories import outbox_payload, policy_make, premium_pay, quote_make

pytestmark = pytest.mark.django_db(databases="__all__")


def purchase(client, quote):
    return client.post(reverse("insurance-quote-purchase", args=[quote.pk]))


def cancel(client, policy, reason="Sold the car"):
    return client.post(reverse("insurance-policy-cancel", args=[policy.pk]), {"reason": reason})


def test_buying_a_quote_makes_a_policy_waiting_for_its_premium(customer_client, customer, settings):
    settings.INSURANCE_PAYMENT_HOLD_HOURS = 5
    quote = quote_make(customer)
    today = timezone.localdate()
    before = timezone.now()

    response = purchase(customer_client, quote)

    assert response.status_code == 201, response.json()
    body = response.json()
    policy = Policy.objects.get()
    assert body["id"] == str(policy.pk)
    assert body["number"] == policy.number
    assert policy.number.startswith(f"KASKO-{today:%Y}-")
    assert (policy.status, policy.premium, policy.premium_paid, policy.paid_at) == (
        "pending_payment",
        Decimal("64000.00"),
        Decimal("0.00"),
        None,
    )
    assert before + timedelta(hours=5) <= policy.payment_due_by
    assert policy.payment_due_by <= timezone.now() + timedelta(hours=5)
    assert (body["status"], body["premium"], body["premium_paid"], body["quote_id"]) == (
        "pending_payment",
        "64000.00",
        "0.00",
        str(quote.pk),
    )
    assert Quote.objects.get(pk=quote.pk).status == "purchased"
    row = OutboxEvent.objects.get(type="insurance_policy.purchased")
    assert row.schema_version == 3
    payload = outbox_payload("insurance_policy.purchased", policy)
    # Only money that moved is an amount: nothing is paid yet.
    assert (payload["status"], payload["amount"], payload["premium"]) == (
        "pending_payment",
        "0.00",
        "64000.00",
    )
    assert (payload["premium_paid"], payload["payment_due_by"], payload["quote_id"]) == (
        "0.00",
        policy.payment_due_by.isoformat(),
        str(quote.pk),
    )
    assert not OutboxEvent.objects.filter(type="insurance_policy.activated").exists()


def test_a_paid_policy_covers_a_year_from_the_day_it_was_paid(customer_client, customer):
    # Given a policy bought three days ago, not paid until today
    policy = purchase(customer_client, quote_make(customer)).json()
    today = timezone.localdate()
    bought = today - timedelta(days=3)
    Policy.objects.filter(pk=policy["id"]).update(
        start_date=bought, end_date=bought + timedelta(days=364)
    )

    paid = premium_pay(Policy.objects.get(pk=policy["id"]))

    policy = Policy.objects.get(pk=policy["id"])
    assert paid.pk == policy.pk
    assert (policy.status, policy.premium_paid) == ("active", Decimal("64000.00"))
    assert policy.paid_at is not None
    # From today to the day before the same date next year, both days included.
    assert policy.start_date == today
    assert policy.end_date + timedelta(days=1) == today.replace(year=today.year + 1)
    shown = customer_client.get(reverse("insurance-policy-detail", args=[policy.pk])).json()
    assert (shown["status"], shown["start_date"], shown["end_date"]) == (
        "active",
        today.isoformat(),
        policy.end_date.isoformat(),
    )
    payload = outbox_payload("insurance_policy.activated", policy)
    assert (payload["status"], payload["amount"], payload["premium_paid"]) == (
        "active",
        "64000.00",
        "64000.00",
    )
    assert (payload["start_date"], payload["end_date"]) == (
        today.isoformat(),
        policy.end_date.isoformat(),
    )


def test_a_quote_bought_twice_is_refused(customer_client, customer):
    quote = quote_make(customer)
    purchase(customer_client, quote)

    again = purchase(customer_client, quote)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "quote_already_purchased"
    assert Policy.objects.count() == 1
    assert OutboxEvent.objects.filter(type="insurance_policy.purchased").count() == 1


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
    unpaid = policy_make(other_customer, paid=False)
    url = reverse("insurance-policies")

    own = customer_client.get(url).json()
    active = manager_client.get(url, {"status": "active"}).json()
    waiting = manager_client.get(url, {"status": "pending_payment"}).json()
    other = customer_client.get(reverse("insurance-policy-detail", args=[theirs.pk]))

    assert [row["number"] for row in own["results"]] == [mine.number]
    assert {row["id"] for row in active["results"]} == {str(mine.pk), str(theirs.pk)}
    assert [row["id"] for row in waiting["results"]] == [str(unpaid.pk)]
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
    row = OutboxEvent.objects.get(type="insurance_policy.cancelled")
    assert row.schema_version == 3
    payload = outbox_payload("insurance_policy.cancelled", policy)
    assert (payload["status"], payload["amount"], payload["premium"]) == (
        "cancelled",
        "35068.49",
        "64000.00",
    )
    assert (payload["refund_amount"], payload["premium_paid"]) == ("35068.49", "64000.00")


def test_the_refund_is_a_share_of_what_was_paid_not_of_the_price(customer_client, customer):
    # Given a 64,000.00 policy paid in full, then half of it refunded by payments, with 200
    # of its 365 days left after today
    policy = policy_make(customer)
    premium_pay(Policy.objects.get(pk=policy.pk), Decimal("32000.00"))
    end = timezone.localdate() + timedelta(days=200)
    Policy.objects.filter(pk=policy.pk).update(end_date=end, start_date=end - timedelta(days=364))

    response = cancel(customer_client, policy)

    assert response.status_code == 200, response.json()
    policy.refresh_from_db()
    # 32,000.00 × 200 / 365 = 17,534.2465... → 17,534.25
    assert (policy.status, policy.premium_paid, policy.refund_amount) == (
        "cancelled",
        Decimal("32000.00"),
        Decimal("17534.25"),
    )
    assert outbox_payload("insurance_policy.cancelled", policy)["amount"] == "17534.25"


def test_cancelling_an_unpaid_policy_lapses_it_with_nothing_to_refund(customer_client, customer):
    policy = policy_make(customer, paid=False)

    response = cancel(customer_client, policy, reason="Changed my mind")

    assert response.status_code == 200, response.json()
    policy.refresh_from_db()
    assert (policy.status, policy.refund_amount, policy.premium_paid) == (
        "lapsed",
        None,
        Decimal("0.00"),
    )
    assert (policy.cancelled_by_id, policy.cancellation_reason) == (customer.pk, "Changed my mind")
    assert policy.lapsed_at is not None
    assert response.json()["refund_amount"] is None
    assert not OutboxEvent.objects.filter(type="insurance_policy.cancelled").exists()
    payload = outbox_payload("insurance_policy.lapsed", policy)
    assert (payload["status"], payload["amount"], payload["refund_amount"]) == (
        "lapsed",
        "0.00",
        None,
    )


def test_a_policy_is_cancelled_once(customer_client, customer):
    policy = policy_make(customer)
    cancel(customer_client, policy)
    refund = Policy.objects.get().refund_amount

    again = cancel(customer_client, policy)

    assert (again.status_code, again.json()["error"]["code"]) == (409, "policy_not_active")
    assert Policy.objects.get().refund_amount == refund
    assert OutboxEvent.objects.filter(type="insurance_policy.cancelled").count() == 1


def test_a_lapsed_policy_cannot_be_cancelled(customer_client, customer):
    policy = policy_make(customer, paid=False)
    cancel(customer_client, policy)

    again = cancel(customer_client, policy)

    assert (again.status_code, again.json()["error"]["code"]) == (409, "policy_not_active")
    assert Policy.objects.get().status == "lapsed"
    assert OutboxEvent.objects.filter(type="insurance_policy.lapsed").count() == 1


def test_another_client_cannot_cancel_my_policy(customer, other_customer):
    policy = policy_make(customer)

    response = cancel(client_for(other_customer), policy)

    assert response.status_code == 404
    assert Policy.objects.get().status == "active"
