"""A payment's fiscal receipts as a page its payer reads (the payment e-mail's link): the
seller, the lines with what they settle and their VAT, the total; another buyer's is a 404."""

import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from documents.tests.factories import SELLER, legal_entity_make
from notifications import selectors as notifications
from orders.tests.factories import order_make, vehicle_make
from payments import selectors as payments
from payments import services as payments_services

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_receipt_page_shows_the_seller_lines_vat_and_total_to_its_payer_only(provider):
    legal_entity_make()
    buyer = UserFactory()
    order = order_make(buyer, (vehicle_make(price="1830000.00"), 1))
    payment, _created = payments_services.payment_create(
        user=buyer,
        order_id=order.pk,
        amount=Decimal("183000.00"),
        method="card",
        idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip; the fake provider charges, with its receipt, at commit
    page = reverse("storefront:receipts", args=[payment.pk])

    html = signed_in(buyer).get(page).content.decode()

    (receipt,) = payments.receipt_list(user=buyer, payment_id=payment.pk)
    assert receipt.total == Decimal("183000.00")
    assert "Кассовый чек" in html and SELLER["short_name"] in html and SELLER["inn"] in html
    assert "Частичная предоплата" in html and "22/122" in html
    assert "33\xa0000,00\xa0₽" in html  # the VAT in 183 000 at 22/122
    assert "183\xa0000,00\xa0₽" in html and "{" not in html.split("<main")[1]  # no raw JSON
    assert signed_in(UserFactory()).get(page).status_code == 404
    assert Client().get(page)["Location"].startswith(reverse("storefront:sign-in"))


def test_the_payment_e_mail_links_to_the_receipt_page(provider):
    legal_entity_make()
    buyer = UserFactory()
    order = order_make(buyer, (vehicle_make(price="1830000.00"), 1))
    payment, _created = payments_services.payment_create(
        user=buyer, order_id=order.pk, amount=Decimal("183000.00"), method="card",
        idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip

    paid = notifications.delivery_list(user=buyer).get(notice="payment.completed")
    link = paid.context["receipts_url"]

    path = f"/account/payments/{payment.pk}/receipts/"
    assert link == settings.SITE_URL + path
    assert "Кассовый чек" in signed_in(buyer).get(path).content.decode()
