"""The loan after a prepayment, in headless Chromium (docs/storefront.md, "Buying"): a buyer
who paid the 10 % prepayment of a Haval F7 opens the rest from the order's page and takes a
car loan. A down payment below what is paid already is refused beside its field with every
figure typed kept, and nothing is applied for; 600 000 ₽ is taken, and only its rest,
310 100 ₽, is charged, the order's page saying so. On a 390 px phone and on a desktop, in
Russian and in English."""

import re
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.tests.factories import VehicleFactory
from financing.models import LoanApplication
from orders.tests.factories import order_make
from payments.models import Payment
from payments.tests.factories import completed_payment_make
from tests.browser.pages import chromium_page, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WORDS = {
    "ru": {
        "rest": "Доплатить 2 609 100,00 ₽",
        "plan": "Автокредит с первоначальным взносом сейчас",
        "hint": "Уже оплаченные 289 900,00 ₽ засчитываются в первоначальный взнос",
        "pay": "Перейти к оплате",
        "below": "Вы уже оплатили 289 900 ₽: первоначальный взнос не может быть меньше.",
        "note": "Из первоначального взноса 600 000 ₽ вы уже оплатили 289 900 ₽; "
        "к оплате сейчас 310 100 ₽.",
    },
    "en": {
        "rest": "Pay the rest, 2,609,100.00 RUB",
        "plan": "A car loan, with a down payment now",
        "hint": "What you have already paid, 289,900.00 RUB, counts towards the down payment",
        "pay": "Go to payment",
        "below": "You have already paid 289,900 RUB: the down payment cannot be less.",
        "note": "Of the down payment of 600,000 RUB you have already paid 289,900 RUB; "
        "due now: 310,100 RUB.",
    },
}


def spaced(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_loan_after_the_prepayment_charges_only_the_rest_of_the_down_payment(
    chromium, server, language, viewport
):
    buyer = UserFactory(language=language)
    car = VehicleFactory(make="Haval", model="F7", price=Decimal("2899000.00"))
    order = order_make(buyer, (car, 1))
    completed_payment_make(buyer, order, "289900.00")  # the 10 % prepayment, charged
    words = WORDS[language]
    order_page = f"{server.url}{reverse('storefront:order', args=[order.pk])}"
    name = f"loan-after-prepayment-{language}-{viewport['width']}"
    connections.close_all()

    with chromium_page(chromium, viewport=viewport, locale=language) as page:
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{server.url}/account/sign-in/")
        page.fill("#id_login", buyer.email)
        page.fill("#id_password", PASSWORD)
        page.click("button.wide")
        page.wait_for_url(f"{server.url}/")

        page.goto(order_page)
        rest = page.get_by_role("link", name=re.compile(r"Доплатить|Pay the rest"))
        rest_text = rest.inner_text()
        rest.click()
        page.wait_for_url(re.compile(r"/checkout/"))
        plan = page.locator("label.plan", has_text=words["plan"])
        hint = plan.inner_text()
        plan.click()
        page.fill("#id_down_payment", "200000")
        page.fill("#id_monthly_income", "300000")
        page.get_by_role("button", name=words["pay"]).click()
        page.wait_for_load_state()

        # Refused beside its field, with what was typed kept; the loan still chosen.
        below = page.locator(".field-invalid", has=page.locator("#id_down_payment"))
        expect(below).to_be_visible()
        below_text = below.inner_text()
        kept = (
            page.locator("#id_down_payment").input_value(),
            page.locator("#id_monthly_income").input_value(),
            page.locator("#id_term_months").input_value(),
        )
        loan_chosen = page.locator("input[name=plan][value=loan]").is_checked()
        boxes = page.locator(".notice-error").count()
        refused_width = page.evaluate("document.documentElement.scrollWidth")
        snap(page, f"{name}-refused")

        page.fill("#id_down_payment", "600 000")
        page.get_by_role("button", name=words["pay"]).click()
        page.wait_for_url(re.compile(r"/account/orders/[0-9a-f-]+/"))
        note = page.locator(".notices").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        snap(page, f"{name}-paid")

    assert spaced(rest_text) == words["rest"]
    assert words["hint"] in spaced(hint)
    assert words["below"] in spaced(below_text)
    assert kept == ("200\xa0000", "300\xa0000", "60")
    assert loan_chosen and boxes == 0
    assert words["note"] in spaced(note)
    (application,) = LoanApplication.objects.filter(order_id=order.pk)
    assert application.down_payment == Decimal("600000.00")
    amounts = [p.amount for p in Payment.objects.filter(payable_id=order.pk).order_by("created_at")]
    assert amounts == [Decimal("289900.00"), Decimal("310100.00")]
    assert max(refused_width, width) <= viewport["width"]
    assert problems == []
