"""The admin as a manager sees it, in headless Chromium at 1280×800, in English and Russian:
screenshots of the index, the order list, an order and a loan application are saved to
test-artifacts/ (CI keeps them), and what a manager must be able to rely on is checked."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from financing.tests.factories import application_make
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make
from tests.test_dashboard_browser import SCREENSHOTS, chromium_page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers", "provider"),
]
FULL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def sale(customer, settings):
    """An order with a payment and a loan application, as a manager finds them."""
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    customer.full_name = "Konstantin Konstantinovich Rimsky-Korsakov"  # a long one
    customer.save(update_fields=["full_name"])
    order = order_make(customer, (product_make(price="1250000.00"), 1))
    payment = completed_payment_make(customer, order, "250000.00")
    application = application_make(customer, order, vehicle_price="1250000.00")
    return order, payment, application


def sign_in(server, page, user):
    page.goto(f"{server.url}/admin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")


def switch_language(page, language):
    page.select_option("#language-switch select", language)
    page.click("#language-switch button")
    page.wait_for_load_state()


def visit(server, page, language, pages, path, name):
    page.goto(f"{server.url}{path}")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-{language}-{name}.png")
    pages[name] = {
        "cells": page.locator("#result_list td, #result_list th").all_inner_texts(),
        "width": page.evaluate("document.documentElement.scrollWidth"),
        # A list wider than its box scrolls sideways, its last columns out of sight.
        "list_cut": page.evaluate(
            "() => [...document.querySelectorAll('#changelist .results')]"
            ".map((box) => [box.scrollWidth, box.clientWidth]).filter(([s, c]) => s > c)"
        ),
        "text": page.locator("#content").inner_text(),
    }


def test_the_admin_in_english_and_russian(server, sale):
    order, payment, application = sale
    manager = UserFactory(role="manager")
    seen = {}
    with chromium_page() as page:
        page.set_viewport_size({"width": 1280, "height": 800})
        sign_in(server, page, manager)
        for language in ("en", "ru"):
            switch_language(page, language)
            pages = seen[language] = {}
            visit(server, page, language, pages, "/admin/", "index")
            visit(server, page, language, pages, "/admin/orders/order/", "orders")
            visit(server, page, language, pages, "/admin/payments/payment/", "payments")
            visit(
                server, page, language, pages, "/admin/financing/loanapplication/", "applications"
            )
            visit(server, page, language, pages, f"/admin/orders/order/{order.pk}/change/", "order")
            technical = page.locator("fieldset", has_text="Customer synced at")
            pages["order"]["internal_visible"] = page.get_by_text("Customer synced at").is_visible()
            pages["order"]["technical_count"] = technical.count()
            visit(
                server,
                page,
                language,
                pages,
                f"/admin/financing/loanapplication/{application.pk}/change/",
                "application",
            )
        # From the order to its payments and back, in English.
        switch_language(page, "en")
        page.goto(f"{server.url}/admin/orders/order/{order.pk}/change/")
        page.get_by_role("link", name="Payments of this order").click()
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        page.locator("#result_list tbody tr th a").click()
        payment_url = page.url.split("?")[0]
        page.get_by_role("link", name=f"Order {str(order.pk)[:8]}").click()
        back_url = page.url
        page.goto(f"{server.url}/admin/financing/loanapplication/{application.pk}/change/")
        page.locator(".field-order a").click()
        from_application_url = page.url

    english, russian = seen["en"], seen["ru"]
    for language, pages in seen.items():
        for name, shown in pages.items():
            assert shown["width"] <= 1280, (language, name)  # nothing runs off the screen
            assert shown["list_cut"] == [], (language, name)
        assert [cell for cell in pages["orders"]["cells"] if FULL_UUID.search(cell)] == []
        assert not pages["order"]["internal_visible"]  # under "Technical", folded
    assert str(order.pk)[:8] in english["orders"]["text"]
    assert "1,250,000.00 RUB" in english["orders"]["text"].replace("\xa0", " ")
    assert "1 250 000,00 ₽" in russian["orders"]["text"].replace("\xa0", " ")
    assert "sales" in english["index"]["text"].lower()  # section titles are set in capitals
    assert "продажи" in russian["index"]["text"].lower()
    assert "Заявки на кредит" in russian["index"]["text"]
    assert payment_url == f"{server.url}/admin/payments/payment/{payment.pk}/change/"
    assert back_url == from_application_url == f"{server.url}/admin/orders/order/{order.pk}/change/"
    for language in ("en", "ru"):
        for name in ("index", "orders", "order", "application"):
            assert (SCREENSHOTS / f"admin-{language}-{name}.png").stat().st_size > 10_000
