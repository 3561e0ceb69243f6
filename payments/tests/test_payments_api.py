from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for, run_concurrently
from orders import selectors as orders_selectors
from orders.tests.factories import order_make, product_make
from payments.models import LedgerTransaction, Payment, PaymentIdempotencyKey

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("payments-list")


def pay(client, order, amount, key="key-1", **extra):
    body = {"order_id": str(order.pk), "amount": str(amount), "method": "card", **extra}
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def order_of(customer, price="1000.00"):
    return order_make(customer, (product_make(price=price), 1))


def test_paying_in_full_completes_the_payment_and_the_order(
    customer_client, customer, provider, run_on_commit
):
    order = order_of(customer)

    with run_on_commit():
        response = pay(customer_client, order, "1000.00")

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.currency) == (
        "completed",
        Decimal("1000.00"),
        "RUB",
    )
    assert list(provider.charges()) == [str(payment.pk)]
    charge = LedgerTransaction.objects.get()
    assert (charge.type, charge.amount) == ("charge", Decimal("1000.00"))
    order = orders_selectors.order_get(user=customer, order_id=order.pk)
    assert (order.status, order.paid_amount) == ("paid", Decimal("1000.00"))
    history = orders_selectors.order_history(user=customer, order_id=order.pk).last()
    assert (history.to_status, history.changed_by_role) == ("paid", "system")


def test_an_order_paid_in_two_parts_is_paid_only_after_the_second(
    customer_client, customer, run_on_commit
):
    order = order_of(customer)

    with run_on_commit():
        pay(customer_client, order, "400.00", key="first")
    after_first = orders_selectors.order_get(user=customer, order_id=order.pk)
    with run_on_commit():
        pay(customer_client, order, "600.00", key="second")
    after_second = orders_selectors.order_get(user=customer, order_id=order.pk)

    assert (after_first.status, after_first.paid_amount) == ("pending", Decimal("400.00"))
    assert (after_second.status, after_second.paid_amount) == ("paid", Decimal("1000.00"))


def test_a_payment_may_not_exceed_what_the_order_still_owes(customer_client, customer):
    order = order_of(customer)
    pay(customer_client, order, "700.00", key="first")  # pending still counts

    response = pay(customer_client, order, "300.01", key="second")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "amount_exceeds_balance"
    assert response.json()["error"]["details"]["owed"] == "300.00"
    assert Payment.objects.count() == 1


def test_the_idempotency_key_is_required(customer_client, customer):
    order = order_of(customer)

    response = customer_client.post(
        URL, {"order_id": str(order.pk), "amount": "1.00", "method": "card"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not Payment.objects.exists()


def test_the_same_key_replays_the_first_response_and_another_body_is_422(customer_client, customer):
    order = order_of(customer)

    first = pay(customer_client, order, "100.00")
    replay = pay(customer_client, order, "100.00")
    other = pay(customer_client, order, "200.00")

    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_a_client_cannot_pay_or_see_another_clients_order_or_payment(
    customer_client, other_customer
):
    order = order_of(other_customer)
    theirs = client_for(other_customer)
    pay(theirs, order, "10.00")

    paying = pay(customer_client, order, "10.00", key="mine")
    seeing = customer_client.get(reverse("payments-detail", args=[Payment.objects.get().pk]))
    listing = customer_client.get(URL)

    assert paying.status_code == seeing.status_code == 404
    assert listing.json()["count"] == 0
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "0.00"},
        {"amount": "-5"},
        {"amount": "1e20"},
        {"amount": "ten"},
        {"method": "bitcoin"},
        {"order_id": "not-a-uuid"},
    ],
)
def test_malformed_payments_are_400_and_save_nothing(customer_client, customer, body):
    order = order_of(customer)
    request = {"order_id": str(order.pk), "amount": "10.00", "method": "card", **body}

    response = customer_client.post(URL, request, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_a_cancelled_order_cannot_be_paid(customer_client, customer):
    from orders import services as orders_services

    order = order_of(customer)
    orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    response = pay(customer_client, order, "10.00")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_payable"


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_fifty_concurrent_requests_with_one_key_make_one_payment_and_one_charge(customer, provider):
    order = order_of(customer)
    client = client_for(customer)

    responses = run_concurrently(50, lambda: pay(client, order, "250.00", key="double-click"))

    assert [r.status_code for r in responses] == [201] * 50
    assert len({r.json()["id"] for r in responses}) == 1
    assert Payment.objects.count() == 1
    assert PaymentIdempotencyKey.objects.count() == 1
    assert list(provider.charges()) == [responses[0].json()["id"]]


def test_staff_pay_on_a_customers_behalf(manager_client, manager, customer, run_on_commit):
    order = order_of(customer)

    with run_on_commit():
        response = pay(manager_client, order, "1000.00")

    payment = Payment.objects.get()
    assert response.status_code == 201
    assert (payment.customer_id, payment.created_by_id) == (customer.pk, manager.pk)
    assert orders_selectors.order_get(user=customer, order_id=order.pk).status == "paid"


def test_a_saved_card_must_be_the_payers_own(customer_client, customer, other_customer):
    from payments import services as payment_services

    theirs = payment_services.payment_method_save(
        user=other_customer, brand="visa", last4="4242", exp_month=1, exp_year=2031, holder_name="X"
    )
    mine = payment_services.payment_method_save(
        user=customer, brand="mir", last4="1234", exp_month=1, exp_year=2031, holder_name="Y"
    )
    order = order_of(customer)

    refused = pay(customer_client, order, "10.00", key="a", payment_method_id=str(theirs.pk))
    accepted = pay(customer_client, order, "10.00", key="b", payment_method_id=str(mine.pk))

    assert refused.status_code == 404
    assert accepted.status_code == 201
    assert Payment.objects.get().payment_method_id == mine.pk
