"""What the browser tests share: a page of its own in the run's one Chromium, the way in to
the admin and the dashboard, and where screenshots go."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections
from playwright.sync_api import expect, sync_playwright

from accounts.tests.factories import PASSWORD
from tests.processes import ROOT

SCREENSHOTS = ROOT / "test-artifacts"


@contextmanager
def chromium_page(chromium):
    """A page in a browser context of its own (no cookie or storage of another test's) in
    the run's one Chromium (the `chromium` fixture). Playwright's synchronous API keeps an
    event loop running in this thread, so Django's ORM refuses to work inside the block:
    prepare the data before, check it after."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.connect_over_cdp(chromium.endpoint)
        context = browser.new_context(viewport={"width": 1200, "height": 700})
        try:
            yield context.new_page()
        finally:
            context.close()


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


def sign_in(server, page, user):
    page.goto(f"{server.url}/admin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
