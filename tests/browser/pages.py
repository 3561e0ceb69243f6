"""What the browser tests share: a page of its own in the run's one Chromium, the way in to
the admin and the dashboard, and the screenshots: the walk's (`snap`), and those of a test
that fails in the browser."""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections
from playwright.sync_api import expect, sync_playwright

from accounts.tests.factories import PASSWORD
from tests.processes import ROOT

SCREENSHOTS = ROOT / "test-artifacts"
# The screenshot walk (`make screenshots`): every page the tests pass through, saved whole to
# SCREENSHOTS for a person to look at. Off otherwise: a whole page takes a few tenths of a
# second to save, the tests pass through some two hundred, and no test reads one.
WALK = os.environ.get("BROWSER_SCREENSHOTS") == "1"
# Each page still open when a test fails in the browser, as it was then (`chromium_browser`).
FAILURES = SCREENSHOTS / "failures"
# Where the failing test's pages went, for its report (tests/browser/conftest.py).
saved_on_failure: list[str] = []


def snap(page, name: str, *, full_page: bool = True) -> None:
    """In the screenshot walk, the page to SCREENSHOTS/<name>.png; otherwise nothing. Never
    what a test checks: a test passes or fails the same with the walk on or off."""
    if WALK:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


@contextmanager
def chromium_browser(chromium):
    """The run's one Chromium (the `chromium` fixture), connected to over its DevTools
    protocol. Playwright's synchronous API keeps an event loop running in this thread, so
    Django's ORM refuses to work inside the block: prepare the data before, check it after
    (or `outside_the_browser_loop`). When the block raises, each page still open is saved to
    FAILURES first: by the time pytest reports the failure, the pages are gone (leaving the
    block disconnects, and Chromium disposes of the contexts made through the connection)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.connect_over_cdp(chromium.endpoint)
        try:
            yield browser
        except Exception:
            save_open_pages(browser)
            raise


@contextmanager
def chromium_context(chromium, **options):
    """A browser context of its own (no cookie or storage of another test's), made with
    Playwright's `new_context` options, in the run's one Chromium (`chromium_browser`)."""
    with chromium_browser(chromium) as browser:
        context = browser.new_context(**options)
        yield context
        # Closed here only on success: after a failure its pages are saved first, and
        # Chromium disposes of it as `chromium_browser` disconnects.
        context.close()


@contextmanager
def chromium_page(chromium, **options):
    """A page in a browser context of its own (`chromium_context`), 1200×700 unless
    `viewport` says otherwise."""
    options.setdefault("viewport", {"width": 1200, "height": 700})
    with chromium_context(chromium, **options) as context:
        yield context.new_page()


def save_open_pages(browser) -> None:
    """Each page open in `browser`, whole, to FAILURES/<test>-<n>.png, listed in
    `saved_on_failure`. A page that cannot be saved (crashed, still loading when the time
    is up) is named there instead: the test's own error is what matters."""
    # "tests/browser/test_x.py::test_y[ru] (call)", as pytest sets it while a test runs.
    test = os.environ.get("PYTEST_CURRENT_TEST", "test").rsplit(" (", 1)[0].split("/")[-1]
    stem = re.sub(r"[^\w.-]+", "-", test).strip("-")
    pages = [
        page
        for context in browser.contexts
        for page in context.pages
        if not page.is_closed() and page.url != "about:blank"
    ]
    if not pages:
        return
    FAILURES.mkdir(parents=True, exist_ok=True)
    for earlier in FAILURES.glob(f"{stem}-*.png"):  # an earlier run's, of more pages perhaps
        earlier.unlink()
    for number, page in enumerate(pages, 1):
        path = FAILURES / f"{stem}-{number}.png"
        try:
            page.screenshot(path=path, full_page=True, timeout=10_000)
        except Exception as error:  # noqa: BLE001 - the test's own error is reported
            saved_on_failure.append(f"{page.url}: no screenshot ({error})")
        else:
            saved_on_failure.append(f"{page.url}: {path.relative_to(ROOT)}")


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
