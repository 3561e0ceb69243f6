"""The partner banks on the buyer's pages (docs/storefront.md, "Loans from several banks"): the
car's calculator says from what full cost the banks lend, and the order's page sends the
application only to the banks ticked, each a consent, and takes only the buyer's own offer."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts import selectors as accounts_selectors
from accounts.tests.factories import UserFactory
from financing import selectors as financing_selectors
from financing.tests.factories import application_make, banks_make
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def banks():
    return {bank.code: bank for bank in banks_make()}


def signed_in(user) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(user)
    return browser


def test_the_calculator_says_from_what_full_cost_the_partner_banks_lend(banks):
    car = vehicle_make(price="2000000.00", make="Haval", model="Jolion", year=2026)
    url = reverse("storefront:car", args=[car.pk])

    html = Client(HTTP_ACCEPT_LANGUAGE="ru").get(
        url, {"down_payment": "600000", "term_months": "60"}
    )
    cost = financing_selectors.full_cost_from(
        vehicle_price=Decimal("2000000.00"),
        down_payment=Decimal("600000"),
        term_months=60,
        condition="new",
        make="Haval",
        year=2026,
    )

    # 30 % down: all three lend; the balloon programme's 12.90 % is the least full cost
    assert (cost.banks, cost.percent) == (3, Decimal("12.900"))
    assert "ПСК в 3 банках-партнёрах" in html.content.decode()
    assert "от 12,900 %" in html.content.decode().replace("\xa0", " ")


def test_nothing_goes_to_a_bank_not_ticked_and_another_buyers_order_is_not_found(
    customer, banks, run_on_commit
):
    order = order_make(customer, (vehicle_make(price="1000000.00", year=2026), 1))
    application = application_make(customer, order)
    url = reverse("storefront:loan-banks", args=[order.pk])
    stranger = UserFactory()

    untouched = signed_in(customer).post(url, {})
    theirs = signed_in(stranger).post(url, {"bank": [str(banks["demo-volga"].pk)]})
    with run_on_commit():
        sent = signed_in(customer).post(url, {"bank": [str(banks["demo-volga"].pk)]})

    assert untouched.status_code == 302 and theirs.status_code == 404
    assert sent.status_code == 302 and sent["Location"].endswith("#loan")
    offers = financing_selectors.offers_of(user=customer, application_id=application.pk)
    assert [(o.bank.code, o.status) for o in offers] == [("demo-volga", "offered")]
    consents = accounts_selectors.consent_list(user=customer).filter(purpose="loan")
    assert list(consents.values_list("recipient", flat=True)) == [banks["demo-volga"].legal_name]
    choose = reverse("storefront:loan-offer-choose", args=[order.pk, offers[0].pk])
    assert signed_in(stranger).post(choose).status_code == 404
    assert signed_in(customer).post(choose).status_code == 302
    application.refresh_from_db()
    assert application.bank_id == banks["demo-volga"].pk


def test_the_order_page_shows_the_credit_discount_and_giving_the_loan_up_puts_the_price_back(
    customer, banks, run_on_commit
):
    from financing.tests.factories import credit_discount_make
    from orders import selectors as orders_selectors

    credit_discount_make(amount="100000.00", name="Выгода при покупке в кредит")
    order = order_make(customer, (vehicle_make(price="1000000.00", year=2026), 1))
    with run_on_commit():
        application = application_make(customer, order)
    page = reverse("storefront:order", args=[order.pk])
    before = signed_in(customer).get(page).content.decode().replace("\xa0", " ")
    with run_on_commit():
        signed_in(customer).post(
            reverse("storefront:loan-banks", args=[order.pk]),
            {"bank": [str(banks["demo-volga"].pk)]},
        )
    during = signed_in(customer).get(page).content.decode().replace("\xa0", " ")
    stranger = signed_in(UserFactory()).post(reverse("storefront:loan-withdraw", args=[order.pk]))
    with run_on_commit():
        given_up = signed_in(customer).post(reverse("storefront:loan-withdraw", args=[order.pk]))
    after = signed_in(customer).get(page).content.decode().replace("\xa0", " ")

    assert "с кредитом через банк-партнёр автомобиль стоит на 100 000,00 ₽ меньше" in before
    assert 'id="credit-discount"' in during and "−100 000,00 ₽" in during
    assert "Цена без кредита" in during and "1 000 000,00 ₽" in during
    assert "Отказаться от кредита" in during
    assert stranger.status_code == 404 and given_up.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert orders_selectors.order_get(user=customer, order_id=order.pk).total_amount == Decimal(
        "1000000.00"
    )
    assert 'id="credit-discount"' not in after and "Отказаться от кредита" not in after
