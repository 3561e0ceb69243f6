import logging

import pytest
from django.urls import reverse

from common.cardnumbers import contains_card_number
from conftest import client_for
from payments.models import Payment, SavedPaymentMethod

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("payments-methods")
CARD = "4111 1111 1111 1111"  # a test Visa number: passes the Luhn check
VALID = {
    "brand": "visa",
    "last4": "1111",
    "exp_month": 12,
    "exp_year": 2031,
    "holder_name": "IVAN K",
}


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (CARD, True),
        ("4111-1111-1111-1111", True),
        ("5555555555554444", True),
        ("2200 1234 5678 9010", False),  # Luhn fails
        ("order 123456789012", False),  # too short
        ("+7 916 123-45-67", False),
        ({"nested": ["x", "pay with 4111111111111111 please"]}, True),
        ("28616897-5777-4ea2-84ec-f727f305cc0b", False),  # an id with a Luhn-valid run
        ({"order_id": "8f076720-eeab-4e12-8471-30779275d5cb"}, False),
        ("28616897577741a2b84ecf727f305cc0", False),  # the same, as hex
        ("order 28616897-5777-4ea2-84ec-f727f305cc0b, card 4111111111111111", True),
    ],
)
def test_card_numbers_are_recognised_by_length_and_luhn(value, found):
    assert contains_card_number(value) is found


def test_a_card_is_saved_as_brand_last4_expiry_and_holder(customer_client, customer):
    response = customer_client.post(URL, VALID, format="json")

    assert response.status_code == 201
    method = SavedPaymentMethod.objects.get()
    assert (method.owner_id, method.last4, method.brand) == (customer.pk, "1111", "visa")
    assert customer_client.get(URL).json()["count"] == 1


@pytest.mark.parametrize("field", ["holder_name", "last4", "brand", "exp_month", "number", "cvv"])
def test_a_full_card_number_in_any_field_is_refused_and_never_stored_or_logged(
    customer_client, field, caplog
):
    caplog.set_level(logging.DEBUG)

    response = customer_client.post(URL, {**VALID, field: CARD}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not SavedPaymentMethod.objects.exists()
    assert "4111" not in response.content.decode()
    assert "4111 1111" not in caplog.text and "4111111111111111" not in caplog.text


def test_a_card_number_in_a_payment_description_is_refused(customer_client, customer):
    from orders.tests.factories import order_make, product_make

    order = order_make(customer, (product_make(), 1))

    response = customer_client.post(
        reverse("payments-list"),
        {"order_id": str(order.pk), "amount": "1.00", "method": "card", "description": CARD},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_expired_cards_and_bad_last4_are_refused(customer_client):
    expired = customer_client.post(URL, {**VALID, "exp_year": 2020}, format="json")
    letters = customer_client.post(URL, {**VALID, "last4": "12a4"}, format="json")

    assert expired.status_code == letters.status_code == 400
    assert not SavedPaymentMethod.objects.exists()


def test_a_client_cannot_see_or_delete_another_clients_card(customer_client, other_customer):
    client_for(other_customer).post(URL, VALID, format="json")
    method = SavedPaymentMethod.objects.get()

    listed = customer_client.get(URL).json()
    deleted = customer_client.delete(reverse("payments-method-detail", args=[method.pk]))

    assert listed["count"] == 0
    assert deleted.status_code == 404
    assert SavedPaymentMethod.objects.filter(pk=method.pk).exists()


def test_the_owner_deletes_their_card(customer_client):
    customer_client.post(URL, VALID, format="json")
    method = SavedPaymentMethod.objects.get()

    response = customer_client.delete(reverse("payments-method-detail", args=[method.pk]))

    assert response.status_code == 204
    assert not SavedPaymentMethod.objects.exists()
