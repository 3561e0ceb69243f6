"""The live order dashboard in a real browser (Debian's headless Chromium, driven by
Playwright) against a real ASGI server with the Redis channel layer."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.db import connections
from django.db.models import F
from playwright.sync_api import expect, sync_playwright

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import AccessToken
from orders.models import Order
from orders.tests.factories import order_make, product_make

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Without these, Chromium keeps dialling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_page():
    """Playwright's synchronous API keeps an event loop running in this thread, so Django's
    ORM refuses to work inside the block: prepare the data before, check it after."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (`make test` does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        yield page
        browser.close()


def test_a_manager_sees_a_status_change_on_the_dashboard_without_reloading(server, customer):
    manager = UserFactory(role="manager")
    order = order_make(customer, (product_make(price="1500000.00"), 1))
    screenshot = SCREENSHOTS / "dashboard-orders.png"
    screenshot.unlink(missing_ok=True)
    with chromium_page() as page:
        changed = change_status_on_the_open_dashboard(server, page, manager, order, screenshot)

    assert changed.status_code == 200, changed.text
    order.refresh_from_db()
    assert (order.status, order.sequence) == ("cancelled", changed.json()["sequence"])
    assert screenshot.stat().st_size > 0


def outside_the_browser_loop(work):
    """Run ORM work in a thread of its own while the browser's event loop holds this one."""

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def log_in(server, page, manager) -> None:
    """Open the dashboard, which asks for a session login first, and wait for the feed."""
    page.goto(f"{server.url}/dashboard/orders/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/dashboard/orders/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")


def change_status_on_the_open_dashboard(server, page, manager, order, screenshot):
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
    sequence = page.locator(f'tr[data-order-id="{order.pk}"] td').last
    expect(sequence).to_have_text(str(changed.json()["sequence"]))
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=screenshot, full_page=True)
    return changed


def test_the_dashboard_is_for_staff_only(server, customer):
    response = httpx.get(f"{server.url}/dashboard/orders/", follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["location"].startswith("/admin/login/")


def test_the_dashboard_refetches_an_order_when_a_push_was_missed(server, customer):
    manager = UserFactory(role="manager")
    order = order_make(customer, (product_make(price="900.00"), 1))
    token = AccessToken.for_user(manager)

    with chromium_page() as page:
        log_in(server, page, manager)
        seen = page.locator(f'tr[data-order-id="{order.pk}"] td').last
        expect(seen).to_have_text("1")
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
        expect(seen).to_have_text(str(changed.json()["sequence"]))
        shown_status = page.locator(f'tr[data-order-id="{order.pk}"] td.status').text_content()
        refetch_method = refetch.value.method

    assert refetch_method == "GET"
    assert changed.json()["sequence"] == 3
    assert shown_status == Order.objects.get(pk=order.pk).status == "cancelled"


def test_the_dashboard_formats_amounts_links_orders_and_filters_by_status(server, customer):
    manager = UserFactory(role="manager")
    pending = order_make(customer, (product_make(price="1250000.00"), 1))
    cancelled = order_make(customer, (product_make(price="99.50"), 2))
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled")
    with chromium_page() as page:
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
