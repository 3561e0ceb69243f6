"""One status, one wording, in headless Chromium (docs/storefront.md, "Buying"): after the
prepayment the order's page, with its script on, still says the prepayment is in once its
live feed has connected, where the snapshot used to put back "Reserved, waiting for payment";
and what the feed pushes next is shown in the server's words. In Russian and in English."""

import uuid
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from catalog.tests.factories import VehicleFactory
from orders import services as order_services
from orders.choices import LinkKind
from orders.tests.factories import order_make
from payments.tests.factories import completed_payment_make
from tests.browser.pages import chromium_page, outside_the_browser_loop, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

WORDS = {
    "ru": {
        "live": "Обновляется автоматически",
        "prepaid": "Предоплата получена, автомобиль закреплён за вами",
        "loan": "Забронирован, заявка на кредит на рассмотрении",
    },
    "en": {
        "live": "Updates by itself",
        "prepaid": "Prepayment received, the car is yours to buy",
        "loan": "Reserved, the loan application is under review",
    },
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_after_the_prepayment_the_live_page_keeps_saying_so_once_its_feed_connects(
    chromium, server, language
):
    buyer = UserFactory(language=language)
    car = VehicleFactory(make="Haval", model="F7", price=Decimal("2899000.00"))
    order = order_make(buyer, (car, 1))
    completed_payment_make(buyer, order, "289900.00")  # the 10 % prepayment, charged
    words = WORDS[language]
    connections.close_all()

    with chromium_page(chromium, locale=language) as page:
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{server.url}/account/sign-in/")
        page.fill("#id_login", buyer.email)
        page.fill("#id_password", PASSWORD)
        page.click("button.wide")
        page.wait_for_url(f"{server.url}/")

        page.goto(f"{server.url}{reverse('storefront:order', args=[order.pk])}")
        status = page.locator("#order-status")
        rendered = status.inner_text()
        # The snapshot has arrived: the script shows it in the same handler that says so.
        expect(page.locator("#live-state")).to_have_text(words["live"])
        after_snapshot = status.inner_text()
        snap(page, f"order-prepaid-live-{language}")

        # A push after it is shown in the server's words too, without a reload.
        page.evaluate("window.stayed = true")
        outside_the_browser_loop(
            lambda: order_services.order_link_note(
                order_id=order.pk,
                kind=LinkKind.LOAN_APPLICATION,
                reference_id=uuid.uuid4(),
                status="pending_review",
                amount=Decimal("2000000.00"),
                currency="RUB",
                reported_at=timezone.now(),
                event="loan_application.submitted",
            )
        )
        expect(status).to_have_text(words["loan"], timeout=5_000)
        stayed = page.evaluate("window.stayed === true")

    assert rendered == words["prepaid"]
    assert after_snapshot == words["prepaid"]
    assert stayed
    assert problems == []
