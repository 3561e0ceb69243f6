"""The order's papers on the buyer's page (docs/documents.md, "Papers follow the terms"): a
loan schedule issued again under a new number leaves the old one struck through, linked to
the one that replaced it; the loan given up leaves its schedule struck through as void."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for
from documents import selectors as documents_selectors
from documents.tests.factories import legal_entity_make
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    offers_url,
    withdraw_url,
)
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


def signed_in(user) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(user)
    return browser


def page(buyer, order_id) -> str:
    html = signed_in(buyer).get(reverse("storefront:order", args=[order_id])).content.decode()
    return " ".join(html.split())


def schedules(order_id):
    staff = UserFactory(role="manager")
    found = documents_selectors.documents_of_order(user=staff, order_id=order_id)
    return sorted(found.filter(kind="loan_schedule"), key=lambda document: document.sequence)


def link(order_id, document) -> str:
    return reverse("storefront:order-document", args=[order_id, document.pk])


def test_a_replaced_schedule_is_struck_through_and_links_the_new_one_and_a_void_one_says_so(
    run_on_commit,
):
    buyer = UserFactory(role="client", language="ru")
    legal_entity_make()
    credit_discount_make(amount="100000.00")
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    with run_on_commit():
        application = application_make(buyer, order_make(buyer, (car, 1)))
    with run_on_commit():  # the credit discount taken: the schedule issued again
        asked = client_for(buyer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks_make()], "consent": True},
            format="json",
        )
    assert asked.status_code == 201, asked.json()
    order_id = application.order_id
    old, new = schedules(order_id)

    html = page(buyer, order_id)

    struck = f'<s><a href="{link(order_id, old)}">График платежей по кредиту № {old.number}</a></s>'
    assert struck in html
    assert f'заменён на <a href="{link(order_id, new)}">№ {new.number}</a>' in html
    # The new one stands, neither struck nor marked.
    assert f'<li><a href="{link(order_id, new)}">' in html
    assert len(re.findall("заменён на", html)) == 1 and "недействителен" not in html

    with run_on_commit():
        assert client_for(buyer).post(withdraw_url(application)).status_code == 200

    html = page(buyer, order_id)
    assert (
        f'<s><a href="{link(order_id, new)}">График платежей по кредиту № {new.number}</a></s>'
        in html
    )
    assert "недействителен: от кредита отказались" in html
    assert schedules(order_id) == [old, new]  # no successor
