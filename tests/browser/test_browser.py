"""The pages in a real browser (Debian's headless Chromium, driven by Playwright) against a
real ASGI server with the Redis channel layer: the live order dashboard, the admin, the
landing page. One module, so that one server serves them all."""

import re

import httpx
import pytest
from django.db.models import F
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from orders import services as order_services
from orders.models import Order
from orders.tests.factories import order_make, product_make
from tests.browser.pages import (
    chromium_page,
    log_in,
    outside_the_browser_loop,
    sign_in,
    snap,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]


def test_a_manager_sees_a_status_change_on_the_dashboard_without_reloading(
    chromium, server, customer
):
    manager = UserFactory(role="manager")
    order = order_make(customer, (product_make(price="1500000.00"), 1))
    with chromium_page(chromium) as page:
        changed = change_status_on_the_open_dashboard(server, page, manager, order)

    assert changed.status_code == 200, changed.text
    order.refresh_from_db()
    assert (order.status, order.sequence) == ("cancelled", changed.json()["sequence"])


def change_status_on_the_open_dashboard(server, page, manager, order):
    log_in(server, page, manager)
    status = page.locator(f'tr[data-order-id="{order.pk}"] td.status')
    expect(status).to_have_text("pending")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    changed = httpx.post(
        f"{server.url}/api/v1/orders/{order.pk}/status",
        json={"status": "cancelled", "reason": "Customer changed their mind"},
        headers={"Authorization": f"Bearer {AccessToken.for_user(manager)}"},
    )

    expect(status).to_have_text("cancelled")
    assert page.evaluate("window.loadedOnce") is True
    row = page.locator(f'tr[data-order-id="{order.pk}"]')
    expect(row).to_have_attribute("data-sequence", str(changed.json()["sequence"]))
    snap(page, "dashboard-orders")
    return changed


def test_the_dashboard_is_for_staff_only(server, customer):
    response = httpx.get(f"{server.url}/dashboard/orders/", follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["location"].startswith("/admin/login/")


def test_the_dashboard_refetches_an_order_when_a_push_was_missed(chromium, server, customer):
    manager = UserFactory(role="manager")
    order = order_make(customer, (product_make(price="900.00"), 1))
    token = AccessToken.for_user(manager)

    with chromium_page(chromium) as page:
        log_in(server, page, manager)
        seen = page.locator(f'tr[data-order-id="{order.pk}"]')
        expect(seen).to_have_attribute("data-sequence", "1")
        # A change whose push never arrives: the next push's sequence skips a number.
        outside_the_browser_loop(
            lambda: Order.objects.filter(pk=order.pk).update(sequence=F("sequence") + 1)
        )
        with page.expect_request(f"{server.url}/api/v1/orders/{order.pk}/") as refetch:
            changed = httpx.post(
                f"{server.url}/api/v1/orders/{order.pk}/status",
                json={"status": "cancelled"},
                headers={"Authorization": f"Bearer {token}"},
            )
        expect(seen).to_have_attribute("data-sequence", str(changed.json()["sequence"]))
        shown_status = page.locator(f'tr[data-order-id="{order.pk}"] td.status').text_content()
        refetch_method = refetch.value.method

    assert refetch_method == "GET"
    assert changed.json()["sequence"] == 3
    assert shown_status == Order.objects.get(pk=order.pk).status == "cancelled"


def test_the_dashboard_formats_amounts_links_orders_and_filters_by_status(
    chromium, server, customer
):
    manager = UserFactory(role="manager")
    pending = order_make(customer, (product_make(price="1250000.00"), 1))
    cancelled = order_make(customer, (product_make(price="99.50"), 2))
    order_services.order_status_set(order_id=cancelled.pk, status="cancelled", user=customer)
    with chromium_page(chromium) as page:
        log_in(server, page, manager)
        row = page.locator(f'tr[data-order-id="{pending.pk}"]')
        total = row.locator("td.amount").first.inner_text()
        status_class = row.locator("td.status").get_attribute("class")
        page.select_option("#status-filter", "cancelled")
        shown_when_filtered = [
            page.locator(f'tr[data-order-id="{order.pk}"]').is_visible()
            for order in (pending, cancelled)
        ]
        page.select_option("#status-filter", "")
        row.locator("td.order a").click()
        page.wait_for_load_state()
        admin_url = page.url

    assert total.replace("\xa0", " ") == "RUB 1,250,000.00"
    assert "status-pending" in status_class
    assert shown_when_filtered == [False, True]
    assert admin_url == f"{server.url}/admin/orders/order/{pending.pk}/change/"


# THE ADMIN
# ------------------------------------------------------------------------------
FULL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def switch_language(page, language):
    page.select_option("#language-switch select", language)
    page.click("#language-switch button")
    page.wait_for_load_state()


def visit(server, page, language, pages, path, name):
    page.goto(f"{server.url}{path}")
    snap(page, f"admin-{language}-{name}", full_page=False)
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


def test_the_admin_in_english_and_russian(chromium, server, sale):
    """The admin as a manager sees it at 1280×800, in English and Russian: what a manager
    must be able to rely on is checked on the index, the lists, an order and a loan
    application, and the screenshot walk saves each of them (tests/browser/pages.py, `snap`)."""
    order, payment, application = sale
    manager = UserFactory(role="manager")
    seen = {}
    with chromium_page(chromium) as page:
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
        page.get_by_role("link", name=order.number).click()
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
    assert order.number in english["orders"]["text"]
    assert "1,250,000.00 RUB" in english["orders"]["text"].replace("\xa0", " ")
    assert "1 250 000,00 ₽" in russian["orders"]["text"].replace("\xa0", " ")
    assert "sales" in english["index"]["text"].lower()  # section titles are set in capitals
    assert "продажи" in russian["index"]["text"].lower()
    assert "Заявки на кредит" in russian["index"]["text"]
    assert payment_url == f"{server.url}/admin/payments/payment/{payment.pk}/change/"
    assert back_url == from_application_url == f"{server.url}/admin/orders/order/{order.pk}/change/"


# THE LANDING PAGE
# ------------------------------------------------------------------------------
def test_the_landing_page_renders_in_chromium_with_no_console_error(chromium, server):
    with chromium_page(chromium) as page:
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(request.url))
        page.goto(f"{server.url}/developers/")
        heading = page.locator("h1").inner_text()
        cards = page.locator("nav a.card").count()
        page.locator("nav a.card", has_text="API index").click()
        page.wait_for_load_state()
        index_url = page.url

    assert heading == "Autosalon"
    assert cards == 8
    assert index_url == f"{server.url}/api/v1/"
    assert problems == []


# The pages a person opens from an e-mail, the home page, the developers' and the admin's sign-in.
PHONE_PAGES = [
    "/",
    "/developers/",
    "/reset-password?uid=x&token=y",
    "/verify-email?token=x",
    "/link-account?token=x",
    "/change-email?token=x",
    "/cancel-email-change?token=x",
    "/admin/login/",
]


def staff_pages(sale) -> list[str]:
    """The pages a member of staff opens first: the dashboards and the report, the admin's
    index and orders, and the sale's records (every other admin page:
    tests/browser/test_admin_russian_browser.py)."""
    order, payment, application = sale
    return [
        "/dashboard/",
        "/dashboard/orders/",
        "/dashboard/clients/",
        "/reports/sales/",
        f"/payments/{payment.pk}/return",
        "/api/docs/",
        "/admin/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
        f"/admin/payments/payment/{payment.pk}/change/",
        f"/admin/financing/loanapplication/{application.pk}/change/",
    ]


SCREENSHOTTED_STAFF_PAGES = {
    "/dashboard/",
    "/dashboard/orders/",
    "/dashboard/clients/",
    "/reports/sales/",
    "/admin/",
    "/admin/orders/order/",
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_the_project_serves_fits_a_390_px_phone(chromium, server, sale, language):
    """No page scrolls sideways on a phone, from the e-mails' pages to the staff's: a wide
    table scrolls inside its own box. Every admin list and form is walked at this width in
    Russian, whose words run longest, by tests/browser/test_admin_russian_browser.py. The
    screenshot walk saves the e-mails' pages and the staff's main ones
    (SCREENSHOTTED_STAFF_PAGES)."""
    administrator = UserFactory(role="admin", language=language)
    staff = staff_pages(sale)
    widths, statuses = {}, {}
    with chromium_page(
        chromium,
        viewport={"width": 390, "height": 844},
        locale=language,
        extra_http_headers={"Accept-Language": language},
    ) as page:
        for path in [*PHONE_PAGES, "/no-such-page"]:
            response = page.goto(f"{server.url}{path}")
            statuses[path] = response and response.status
            name = path.strip("/").split("?")[0].replace("/", "-") or "home"
            snap(page, f"phone-{language}-{name}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        sign_in(server, page, administrator)
        for path in staff:
            response = page.goto(f"{server.url}{path}")
            statuses[path] = response and response.status
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
            if path in SCREENSHOTTED_STAFF_PAGES:
                name = path.strip("/").replace("/", "-")
                snap(page, f"phone-{language}-{name}")

    assert statuses.pop("/no-such-page") == 404
    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert len(widths) == len(PHONE_PAGES) + len(staff) + 1
    assert {path: width for path, width in widths.items() if width > 390} == {}


# English a Russian reader must never meet: words of the system's own messages, titles and
# statuses that once reached Russian pages raw (issue 46's list).
TELL_TALES = re.compile(
    r"\b(Hello|New password|Paid in full|pending|pending_review|approved|active|Application|"
    r"Payment|Order|Territory|Annual rate|Staff decision|Placed an order|booked)\b"
)


def test_a_russian_reader_meets_no_english_and_no_uuid_in_messages(chromium, server, sale):
    """The pages a customer opens from an e-mail, and an admin's order and loan application
    with their history, reasons and messages, in Russian: no tell-tale English word, and no
    whole UUID in what a message says."""
    order, payment, application = sale
    admin_user = UserFactory(role="admin", language="ru")
    texts = {}
    with chromium_page(chromium) as page:
        page.set_extra_http_headers({"Accept-Language": "ru"})
        for path in PHONE_PAGES[1:]:
            page.goto(f"{server.url}{path}")
            texts[path] = page.locator("body").inner_text()
        sign_in(server, page, admin_user)
        for name, path in {
            "order": f"/admin/orders/order/{order.pk}/change/",
            "application": f"/admin/financing/loanapplication/{application.pk}/change/",
            "payment": f"/admin/payments/payment/{payment.pk}/change/",
        }.items():
            page.goto(f"{server.url}{path}")
            texts[name] = page.locator("#content").inner_text()
        # A refused action's message names the record in Russian, by no UUID.
        page.goto(f"{server.url}/admin/orders/order/")
        page.locator(f"input.action-select[value='{order.pk}']").check()
        page.select_option("select[name=action]", "move_to_completed")  # pending: refused
        page.locator("button[name=index]").click()
        page.fill("#id_reason", "Проверка")
        page.locator("[name=apply]").click()
        page.wait_for_load_state()
        texts["message"] = page.locator("ul.messagelist").inner_text()

    english = {name: TELL_TALES.findall(text) for name, text in texts.items()}
    assert {name: words for name, words in english.items() if words} == {}
    assert not FULL_UUID.search(texts["message"]), texts["message"]
    assert "Заказ" in texts["message"]
    # What was read is the pages' Russian: the reset form, the loan's reasons.
    assert "Новый пароль" in texts["/reset-password?uid=x&token=y"]
    assert "Ставка" in texts["application"]
