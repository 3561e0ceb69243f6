"""The loan after a prepayment (docs/storefront.md, "Buying"): the checkout's loan plan counts
what the buyer has already paid towards the down payment, charges only the rest and says so;
a refusal makes nothing (no application, no approval e-mail) and keeps what was typed, the
error beside its field; a down payment refused after the application was made withdraws it.

Committed for real: each domain's events are consumed as their transactions commit, so that
payments knows the approved loan when the down payment is charged, as in the finding."""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from financing import selectors as financing
from notifications import selectors as notifications
from orders import selectors as orders
from payments import selectors as payments

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

LOAN = {
    "plan": "loan",
    "down_payment": "600 000",
    "term_months": "60",
    "monthly_income": "300 000",
    "employment_status": "employed",
}
WORDS = {
    "ru": {
        "hint": "Уже оплаченные 289 900,00 ₽ засчитываются в первоначальный взнос",
        "note": "Из первоначального взноса 600 000 ₽ вы уже оплатили 289 900 ₽; "
        "к оплате сейчас 310 100 ₽.",
    },
    "en": {
        "hint": "What you have already paid, 289,900.00 RUB, counts towards the down payment",
        "note": "Of the down payment of 600,000 RUB you have already paid 289,900 RUB; "
        "due now: 310,100 RUB.",
    },
}


def text(response) -> str:
    """The page's text with its no-break spaces read as spaces."""
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def prepaid(language="ru"):
    """A buyer who reserved a Haval F7 of 2 899 000 ₽ and paid its 10 % prepayment, 289 900 ₽,
    through the checkout: their client, the order, the checkout's address and the
    prepayment's form key, and the buyer."""
    car = VehicleFactory(make="Haval", model="F7", price=Decimal("2899000.00"))
    buyer = UserFactory(language=language)
    client = Client()
    client.force_login(buyer)
    checkout = client.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})
    key = uuid.uuid4()
    client.post(checkout["Location"], {"plan": "deposit", "key": key, "term_months": 60})
    (order,) = orders.orders_of_buyer(user=buyer)
    assert order.paid_amount == Decimal("289900.00")  # charged, and the order knows it
    return client, order, checkout["Location"], key, buyer


def applications(buyer, order):
    return financing.application_list(user=buyer).filter(order_id=order.pk)


def payments_of(buyer, order):
    return payments.payment_list(user=buyer).filter(payable_id=order.pk).order_by("created_at")


def loan_notices(buyer, order) -> list[str]:
    """The loan's e-mails and SMS queued or sent to the buyer about the order."""
    shown = notifications.delivery_list(user=buyer).filter(order_id=order.pk)
    return list(shown.filter(notice__startswith="loan.").values_list("notice", flat=True))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_loan_after_the_prepayment_charges_only_the_rest_of_the_down_payment(language):
    client, order, checkout, _key, buyer = prepaid(language)

    page = client.get(checkout)
    sent = client.post(checkout, {**LOAN, "key": uuid.uuid4()})
    landed = client.get(sent["Location"])
    again = client.post(checkout, {**LOAN, "key": uuid.uuid4()})  # the form sent again

    (application,) = applications(buyer, order)
    assert application.down_payment == Decimal("600000.00")
    assert application.loan_amount == Decimal("2299000.00")
    assert [(p.amount, p.status) for p in payments_of(buyer, order)] == [
        (Decimal("289900.00"), "completed"),
        (Decimal("310100.00"), "completed"),
    ]
    paid = orders.order_get(user=buyer, order_id=order.pk).paid_amount
    assert paid == Decimal("600000.00")
    assert WORDS[language]["hint"] in text(page)
    assert sent.status_code == 302 and sent["Location"] == f"/account/orders/{order.pk}/"
    assert WORDS[language]["note"] in text(landed)
    assert again.status_code == 302  # nothing is left to the buyer: the order's page
    assert applications(buyer, order).count() == 1
    assert payments_of(buyer, order).count() == 2
    assert set(loan_notices(buyer, order)) == {"loan.approved"}


def field(html: str, name: str) -> str:
    """The checkout's paragraph of one field: its label, its input and its errors."""
    found = re.search(rf'<p class="field[^"]*">\s*<label for="id_{name}">.*?</p>', html, re.S)
    assert found, name
    return found[0]


@pytest.mark.parametrize(
    ("changes", "name", "error"),
    [
        (
            {"down_payment": "200 000"},
            "down_payment",
            "Вы уже оплатили 289 900 ₽: первоначальный взнос не может быть меньше.",
        ),
        ({"term_months": "61"}, "term_months", "Выберите корректный вариант."),
        (
            {"down_payment": "2 899 000"},
            "down_payment",
            "Первоначальный взнос должен быть меньше",
        ),
        ({"monthly_income": "30 000"}, "monthly_income", "С таким доходом в кредите откажут"),
    ],
    ids=["below-the-prepayment", "term", "the-whole-price", "income"],
)
def test_a_refused_loan_plan_makes_nothing_and_keeps_what_was_typed(changes, name, error):
    client, order, checkout, _key, buyer = prepaid()
    form = {**LOAN, **changes}

    refused = client.post(checkout, {**form, "key": uuid.uuid4()})

    html = text(refused)
    assert refused.status_code == 400
    assert not applications(buyer, order).exists()
    assert [p.amount for p in payments_of(buyer, order)] == [Decimal("289900.00")]
    assert loan_notices(buyer, order) == []
    assert error in field(html, name)  # beside its field, not in a box above the form
    assert "notice-error" not in html
    assert re.search(r'<input[^>]*value="loan"[^>]*checked', html)
    typed = {
        "down_payment": form["down_payment"],
        "monthly_income": form["monthly_income"],
    }
    for input_name, value in typed.items():
        assert f'value="{value}"' in field(html, input_name), input_name
    if name != "term_months":
        assert re.search(r'<option value="60" selected>', field(html, "term_months"))
    assert re.search(r'<option value="employed" selected>', field(html, "employment_status"))


def test_a_down_payment_refused_after_the_application_withdraws_it():
    """The payment step fails where nothing could foresee it (here the prepayment's own form
    key, sent again with the loan): the application just made is withdrawn, and nothing is
    charged."""
    client, order, checkout, prepayment_key, buyer = prepaid()

    refused = client.post(checkout, {**LOAN, "key": prepayment_key})

    (application,) = applications(buyer, order)
    assert application.status == "withdrawn"
    assert [p.amount for p in payments_of(buyer, order)] == [Decimal("289900.00")]
    assert refused.status_code == 400
    assert 'value="600 000"' in field(text(refused), "down_payment")
