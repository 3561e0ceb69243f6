"""A buyer's loan from several banks, in headless Chromium (docs/storefront.md, "Loans from
several banks"): on the order's page they send their application to the three demo banks,
each tick a consent naming its bank; the answers appear by themselves, two offers side by
side with their full cost and the cheapest in all marked, and a refusal with its reason; they
choose the marked one and the others are declined. On a 390 px phone in Russian and on a
desktop in English."""

from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Consent
from accounts.tests.factories import UserFactory
from common.events.publishing import redeliver, undelivered
from financing import services
from financing.models import BankOffer, LoanApplication
from financing.tests.factories import application_make, banks_make, credit_discount_make
from orders.tests.factories import order_make, vehicle_make
from tests.browser.pages import chromium_page, outside_the_browser_loop, snap
from tests.browser.test_storefront_browser import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

SCREENS = {
    "ru": (
        {"width": 390, "height": 844},
        {
            "send": "Отправить в банки",
            "best": "Выгоднее всего",
            "chosen": "Выбрано",
            "saves": "стоит на 100 000,00 ₽ меньше",
            "without": "Цена без кредита",
            "due": "К оплате\n480 000,00 ₽",
        },
    ),
    "en": (
        {"width": 1366, "height": 900},
        {
            "send": "Send to the banks",
            "best": "Cheapest in all",
            "chosen": "Chosen",
            "saves": "costs 100,000.00 RUB less",
            "without": "Price without a loan",
            "due": "Due\n480,000.00 RUB",
        },
    ),
}


def the_banks_answer() -> None:
    """What the relay and a worker do once the page sent the application (no worker runs
    beside this site): its events reach their consumers (the order's loan takes the credit
    discount's smaller amount), each application goes to its bank, and the demo banks answer
    (financing/banks/demo.py)."""
    redeliver("financing", undelivered("financing", due_only=False))
    for offer in BankOffer.objects.filter(status="requested"):
        services.offer_send(offer_id=offer.pk)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_buyer_compares_three_banks_answers_and_takes_the_cheapest(chromium, server, language):
    banks_make()
    credit_discount_make(amount="100000.00", name="Выгода при покупке в кредит")
    buyer = UserFactory(language=language)
    car = vehicle_make(price="2400000.00", make="Haval", model="Jolion", year=2026)
    order = order_make(buyer, (car, 1))
    application = application_make(
        buyer,
        order,
        vehicle_price="2400000.00",
        down_payment="480000.00",
        term_months=60,
        monthly_income="300000.00",
    )
    assert application.status == "approved"
    viewport, words = SCREENS[language]
    order_page = f"{server.url}{reverse('storefront:order', args=[order.pk])}"
    connections.close_all()

    with chromium_page(chromium, viewport=viewport, locale=language) as page:
        sign_in(page, server, buyer)
        page.goto(order_page + "#loan")
        picks = page.locator(".bank-pick")
        expect(picks).to_have_count(3)
        pick_text = picks.all_inner_texts()
        saving = page.locator(".credit-discount-offer").inner_text()
        snap(page, f"loan-banks-{language}")
        page.get_by_role("button", name=words["send"]).click()
        expect(page.locator(".bank-offer")).to_have_count(3)
        waiting = page.locator(".bank-offer").all_inner_texts()

        outside_the_browser_loop(the_banks_answer)  # the page asks again by itself every 3 s

        expect(page.locator(".bank-offer .calc-main")).to_have_count(2, timeout=15_000)
        snap(page, f"loan-offers-{language}")
        best = page.locator(".bank-offer-best")
        expect(best).to_contain_text(words["best"])
        best_bank = best.get_attribute("data-bank")
        cards = {
            card.get_attribute("data-bank"): card.inner_text()
            for card in page.locator(".bank-offer").all()
        }
        width = page.evaluate("document.documentElement.scrollWidth")
        rows = page.evaluate(
            "new Set([...document.querySelectorAll('.bank-offer')].map(card => card.offsetTop)).size"
        )
        best.get_by_role("button").click()
        expect(page.locator(f".bank-offer[data-bank='{best_bank}']")).to_contain_text(
            words["chosen"]
        )
        chosen_page = page.locator("#loan").inner_text()
        deal = page.locator("section[aria-labelledby=deal-title]").inner_text()
        snap(page, f"loan-chosen-{language}")

    offers = {o.bank.code: o for o in BankOffer.objects.select_related("bank")}
    cheapest = min(
        (o for o in offers.values() if o.total_to_pay is not None), key=lambda o: o.total_to_pay
    )
    assert best_bank == cheapest.bank.code
    application.refresh_from_db()
    assert all("Демо-банк" in text or "АО" in text for text in pick_text)
    assert len(waiting) == 3
    # the dealer's credit discount: promised before, taken off the price and the loan after
    assert words["saves"] in saving.replace("\xa0", " ")
    assert words["without"] in deal and "Выгода при покупке в кредит" in deal
    # the buyer's own part is the down payment still: the price and the loan fell together
    assert words["due"] in deal.replace("\xa0", " "), deal
    assert (application.loan_amount, application.credit_discount) == (
        Decimal("1820000.00"),
        Decimal("100000.00"),
    )
    assert "30 %" in cards["demo-region"]  # the refusal, with the bank's reason
    for code in ("demo-stolichny", "demo-volga"):
        assert (
            str(offers[code].full_cost_percent).replace(".", "," if language == "ru" else ".")
            in cards[code]
        )
    assert width <= viewport["width"]
    assert rows == (3 if language == "ru" else 1)  # stacked on a phone, side by side
    assert application.bank.code == best_bank
    assert application.monthly_payment == offers[best_bank].monthly_payment
    assert offers[best_bank].bank.name in chosen_page
    assert {o.status for code, o in offers.items() if code != best_bank} == {
        "declined",
        "refused",
    }
    assert Consent.objects.filter(user=buyer, purpose="loan").count() == 3
    assert LoanApplication.objects.get(pk=application.pk).full_cost_percent == Decimal(
        offers[best_bank].full_cost_percent
    )
