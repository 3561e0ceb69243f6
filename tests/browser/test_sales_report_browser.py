"""The sales report's page in a real browser (headless Chromium, as tests/browser/test_browser.py):
its chart draws under the strict CSP, in English and in Russian, with the month's sales."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from orders.models import Order
from orders.tests.factories import order_make, vehicle_make
from payments.tests.factories import completed_payment_make
from tests.browser.pages import chromium_page, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]


@pytest.mark.parametrize(
    ("language", "title", "revenue"),
    [("en", "Sales report", "2,500,000.50"), ("ru", "Отчёт о продажах", "2\u00a0500\u00a0000,50")],
)
def test_the_report_draws_its_chart_in_the_browser(
    chromium, server, provider, customer, language, title, revenue
):
    admin = UserFactory(role="admin", language=language)
    order = order_make(customer, (vehicle_make(price="2500000.50", make="Haval", model="F7"), 1))
    completed_payment_make(customer, order, "2500000.50")  # paid now: sold this month
    assert Order.objects.get(pk=order.pk).total_amount == Decimal("2500000.50")

    with chromium_page(chromium) as page:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": server.url}]
        )
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{server.url}/reports/sales/")
        page.fill("#id_username", admin.email)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{server.url}/reports/sales/")
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("#sales-chart canvas")).to_have_count(1)
        expect(page.locator("#report-totals .revenue")).to_contain_text(revenue)
        expect(page.locator("#by-model")).to_contain_text("Haval F7")
        snap(page, f"reports-sales-{language}")
        # The downloads, through the real server's middleware, with the page's session.
        links = [
            page.locator(f"#download-{kind}").get_attribute("href") for kind in ("csv", "xlsx")
        ]
        csv_file, xlsx_file = (page.request.get(f"{server.url}{link}") for link in links)
        csv_text, xlsx_bytes = csv_file.text(), xlsx_file.body()

    assert problems == []  # no script refused by the CSP, no error in ours
    assert "Haval F7" in csv_text and "2500000.50" in csv_text
    assert xlsx_bytes.startswith(b"PK")  # a zip: the workbook
