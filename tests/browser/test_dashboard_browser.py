"""The dashboard's front page in a real browser (headless Chromium, the site served as in
production: tests/browser/test_browser.py), as a manager and as an admin, in English and Russian:
every tile shows what the database holds, computed here with plain ORM aggregates (not with
backoffice/dashboard.py), every chart has data points, and a payment moves the revenue tile and
chart without a reload (docs/dashboard.md). The screenshot walk saves the page
(tests/browser/pages.py, `snap`)."""

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from catalog.models import Product
from crm.models import Activity, Client
from crm.tests.factories import crm_client_make
from financing import services as financing_services
from financing.models import LoanApplication
from financing.tests.factories import application_make, lender_has_it
from insurance.models import Policy
from insurance.tests.factories import policy_make
from orders.models import Order, OrderStatusHistory
from orders.tests.factories import order_make, vehicle_make
from payments.models import Payment, Refund
from payments.tests.factories import completed_payment_make
from showroom import services as showroom_services
from showroom.models import Registration, TestDrive
from showroom.tests.factories import drive_make, event_make, started_drive_make
from tests.browser.pages import chromium_context, chromium_page, outside_the_browser_loop, snap
from tradein import services as tradein_services
from tradein.tests.factories import trade_in_make, vin_make

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

PASSWORD = "Sturdy-pass-2026"  # accounts.tests.factories.PASSWORD
VENDORED = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"
CHARTS = [
    "chart-revenue",
    "chart-funnel",
    "chart-trade-in-funnel",
    "chart-payments",
    "chart-top-models",
    "chart-loans",
    "chart-low-stock",
]


# THE DATA
# ------------------------------------------------------------------------------
def shift_order(order, days: int) -> None:
    """Move an order, its history and its payments `days` back, as if it had happened then."""
    delta = timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(
        created_at=F("created_at") - delta, updated_at=F("updated_at") - delta
    )
    OrderStatusHistory.objects.filter(order_id=order.pk).update(created_at=F("created_at") - delta)
    Payment.objects.filter(payable_id=order.pk).update(created_at=F("created_at") - delta)


def car(price: str, model: str):
    make, name = model.split(" ", 1)
    return vehicle_make(price=price, make=make, model=name, year=2025)


def paid_order(customer, price: str, days_ago: int = 0, model: str = "Lada Vesta"):
    order = order_make(customer, (car(price, model), 1))
    completed_payment_make(customer, order, price)
    if days_ago:
        shift_order(order, days_ago)
    return order


@pytest.fixture
def dealership(customer, settings, provider):
    """A manager's client (Anna) and another client (Boris), with paid orders across several
    days, a pending one each (paid during the test), a loan approved and disbursed and one
    declined, a paid policy, test drives booked, completed and missed, and a registration."""
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    manager = UserFactory(role="manager", full_name="Maria Manager")
    admin = UserFactory(role="admin", full_name="Alexei Admin")
    anna = UserFactory(role="client", full_name="Anna Petrova", phone="+79151234567")
    boris = UserFactory(role="client", full_name="Boris Ivanov", phone="+79161234567")
    crm_client_make(actor=manager, name=anna.full_name, email=anna.email, user_id=anna.pk)
    # Boris is another manager's client (every client has one: docs/crm.md).
    colleague = UserFactory(role="manager", full_name="Oleg Colleague")
    crm_client_make(
        actor=admin,
        name=boris.full_name,
        email=boris.email,
        user_id=boris.pk,
        manager_id=colleague.pk,
    )

    for days_ago, price, model in (
        (0, "1250000.00", "Lada Vesta"),
        (0, "990000.50", "Haval Jolion"),
        (1, "2100000.00", "Haval Jolion"),
        (3, "1800000.00", "Chery Tiggo 7"),
        (12, "1500000.00", "Lada Vesta"),
        (40, "3200000.00", "Geely Monjaro"),
    ):
        paid_order(anna, price, days_ago, model)
    paid_order(boris, "2750000.00", 0, "Geely Monjaro")
    paid_order(boris, "1100000.00", 5, "Lada Granta")
    pending = {
        "manager": order_make(anna, (car("1600000.00", "Kia Rio"), 1)),
        "admin": order_make(boris, (car("2400000.00", "Kia Rio"), 1)),
    }

    approved = application_make(anna)  # scored on submission: approved
    lender_has_it(approved, lender="fake")  # only a lender the loan went to pays it
    financing_services.application_disburse(
        application_id=approved.pk, amount=Decimal("800000.00"), reference="BANK-1"
    )
    application_make(boris, monthly_income="25000.00")  # declined
    policy_make(anna)
    drive_make(anna)  # booked today, for tomorrow
    for outcome in ("completed", "no_show"):
        drive = started_drive_make(anna, minutes_ago=90)
        showroom_services.test_drive_outcome_set(test_drive_id=drive.pk, outcome=outcome)
    showroom_services.registration_create(event_id=event_make().pk, user=anna)
    for _ in range(2):  # two cars of the model left: it runs low
        vehicle_make(price="1400000.00", make="Lada", model="Niva", year=2025)
    # Anna's old car appraised and offered for; another, bought earlier, in used stock.
    trade_in = trade_in_make(anna)
    tradein_services.trade_in_offer(
        user=manager,
        trade_in_id=trade_in.pk,
        amount=Decimal("450000.00"),
        valid_until=timezone.now() + timedelta(days=7),
    )
    catalog_services.used_vehicle_take_in(
        product_id=uuid.uuid4(), make="Lada", model="Granta", year=2016, vin=vin_make(),
        mileage_km=120000, owners_count=2, price=Decimal("610000.00"), currency="RUB",
        description="", photos=[],
    )  # fmt: skip
    return {"manager": manager, "admin": admin, "anna": anna, "boris": boris, "pending": pending}


# THE FIGURES, COMPUTED HERE
# ------------------------------------------------------------------------------
ZONE = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=ZONE),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=ZONE),
    )


def windows(today: date) -> dict[str, tuple[tuple, tuple]]:
    """Each period's days and the previous period's: yesterday, last week, last month."""
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    yesterday = today - timedelta(days=1)
    return {
        "today": (bounds(today, today), bounds(yesterday, yesterday)),
        "week": (bounds(monday, today), bounds(monday - timedelta(days=7), monday - timedelta(1))),
        "month": (bounds(first, today), bounds(last_month_end.replace(day=1), last_month_end)),
    }


def money(value) -> str:
    return f"{(value or Decimal('0')):.2f}"


def rate(part: int, whole: int) -> str:
    return "" if not whole else f"{Decimal(part * 100) / Decimal(whole):.1f}"


def expected_tiles() -> dict[str, dict[str, tuple[str, str]]]:
    """{tile: {period: (value, previous)}} as the page's `data-value` and `data-previous`
    carry them, from the databases: the whole group's, which an admin and the group's
    manager see alike (docs/dashboard.md, "Who sees what")."""

    def one(start, end) -> dict:
        paid_rows = OrderStatusHistory.objects.filter(
            to_status="paid", created_at__gte=start, created_at__lt=end
        )
        sold_orders = Order.objects.filter(pk__in=paid_rows.values("order_id"), currency="RUB")
        sold = sold_orders.aggregate(n=Count("pk"), total=Sum("total_amount"))
        pending = Payment.objects.filter(
            status__in=["pending", "requires_action"],
            currency="RUB",
            created_at__gte=start,
            created_at__lt=end,
        ).aggregate(total=Sum("amount"))
        refunds = Refund.objects.filter(
            status="completed", created_at__gte=start, created_at__lt=end
        ).aggregate(total=Sum("amount"))
        decided = LoanApplication.objects.annotate(at=Coalesce("decided_at", "created_at")).filter(
            at__gte=start, at__lt=end
        )
        approved = decided.filter(status__in=["approved", "disbursed", "returned"]).count()
        declined = decided.filter(status="rejected").count()
        policies = Policy.objects.filter(
            paid_at__gte=start, paid_at__lt=end, currency="RUB"
        ).aggregate(n=Count("pk"), premium=Sum("premium_paid"))
        drives = TestDrive.objects.all()
        due = drives.filter(start_time__gte=start, start_time__lt=end)
        clients = Client.objects.filter(
            merged_into__isnull=True, created_at__gte=start, created_at__lt=end
        )
        new_clients = clients.annotate(
            ordered=Exists(Activity.objects.filter(client=OuterRef("pk"), kind="order_placed"))
        ).aggregate(n=Count("pk"), converted=Count("pk", filter=Q(ordered=True)))
        return {
            "revenue": money(sold["total"]),
            "orders": Order.objects.filter(created_at__gte=start, created_at__lt=end).count(),
            "average_order": money(sold["total"] / sold["n"] if sold["n"] else None),
            "pending_payments": money(pending["total"]),
            "refunds": money(refunds["total"]),
            "loans_approved": approved,
            "loans_declined": declined,
            "loans_disbursed": LoanApplication.objects.filter(
                disbursed_at__gte=start, disbursed_at__lt=end
            ).count(),
            "approval_rate": rate(approved, approved + declined),
            "policies_sold": policies["n"],
            "premium_collected": money(policies["premium"]),
            "test_drives_booked": drives.filter(created_at__gte=start, created_at__lt=end).count(),
            "test_drives_completed": due.filter(status="completed").count(),
            "test_drives_no_show": due.filter(status="no_show").count(),
            "registrations": Registration.objects.filter(
                created_at__gte=start, created_at__lt=end
            ).count(),
            "new_clients": new_clients["n"],
            "lead_conversion": rate(new_clients["converted"], new_clients["n"]),
            "used_stock": money(
                Product.objects.filter(
                    condition="used",
                    purchase_price__isnull=False,
                    currency="RUB",
                    created_at__gte=start,
                    created_at__lt=end,
                ).aggregate(total=Sum("purchase_price"))["total"]
            ),
        }

    expected: dict[str, dict[str, tuple[str, str]]] = {}
    for period, (now, before) in windows(timezone.localdate(timezone=ZONE)).items():
        current, previous = one(*now), one(*before)
        for tile, value in current.items():
            expected.setdefault(tile, {})[period] = (str(value), str(previous[tile]))
    return expected


# THE PAGE
# ------------------------------------------------------------------------------
def sign_in_to_dashboard(server, page, user, language) -> None:
    page.goto(f"{server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
    page.select_option("#language-switch select", language)
    page.click("#language-switch button")
    page.wait_for_load_state()
    page.goto(f"{server.url}/dashboard/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")


SHOWN_TILES = """() => Object.fromEntries([...document.querySelectorAll('.tile')].map((tile) => [
  tile.dataset.tile,
  Object.fromEntries([...tile.querySelectorAll('.figure')].map((figure) => [
    figure.dataset.period,
    {
      value: figure.querySelector('.value').dataset.value,
      previous: figure.querySelector('.delta').dataset.previous,
      text: figure.querySelector('.value').textContent,
      href: figure.getAttribute('href'),
    },
  ])),
]))"""

CHART_POINTS = """(ids) => Object.fromEntries(ids.map((id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const values = chart.getOption().series.flatMap((s) => s.data)
    .map((point) => (point !== null && typeof point === 'object' ? point.value : point));
  return [id, values.filter((v) => typeof v === 'number' && v > 0).length];
}))"""

REVENUE_TODAY = """() => {
  const series = echarts.getInstanceByDom(document.getElementById('chart-revenue'))
    .getOption().series[0].data;
  return series[series.length - 1];
}"""


# Each role once and each language once: the group's manager sees what an admin sees, the
# language sets how they read; neither changes what the other checks.
@pytest.mark.parametrize(("role", "language"), [("manager", "ru"), ("admin", "en")])
def test_the_dashboard_shows_the_databases_figures_and_moves_when_an_order_is_paid(
    chromium, server, dealership, role, language
):
    user = dealership[role]
    expected = expected_tiles()
    pending = dealership["pending"][role]
    problems = []

    with chromium_page(chromium) as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        sign_in_to_dashboard(server, page, user, language)
        lang = page.evaluate("document.documentElement.lang")
        shown = page.evaluate(SHOWN_TILES)
        points = page.evaluate(CHART_POINTS, CHARTS)
        width = page.evaluate("document.documentElement.scrollWidth")
        revenue = page.locator('.tile[data-tile="revenue"] .figure[data-period="today"] .value')
        revenue_before = revenue.get_attribute("data-value")
        chart_before = page.evaluate(REVENUE_TODAY)
        snap(page, f"dashboard-{role}-{language}")
        page.evaluate("window.loadedOnce = true")  # gone if the page reloads

        # Another client's order is paid, through the payments service, elsewhere.
        payer = dealership["anna" if role == "manager" else "boris"]
        outside_the_browser_loop(
            lambda: completed_payment_make(payer, pending, str(pending.total_amount))
        )
        revenue_after = money(Decimal(revenue_before) + pending.total_amount)
        expect(revenue).to_have_attribute("data-value", revenue_after, timeout=2000)
        chart_after = page.evaluate(REVENUE_TODAY)
        revenue_text = revenue.text_content()
        reloaded = page.evaluate("window.loadedOnce") is not True
        snap(page, f"dashboard-{role}-{language}-paid")

    assert lang == language
    assert width <= 1280  # nothing runs off a 1280 px screen
    assert problems == []  # nothing refused by the CSP, no script error
    shown_values = {
        tile: {period: (f["value"], f["previous"]) for period, f in periods.items()}
        for tile, periods in shown.items()
    }
    # The service tiles (docs/service.md, "Managers") are checked against their own data in
    # tests/flows/test_service_managers.py; here they must be shown, and the rest as computed.
    service_tiles = {tile for tile in shown_values if tile.startswith("service_")}
    assert (
        service_tiles
        and {t: v for t, v in shown_values.items() if t not in service_tiles} == expected
    )
    for tile, periods in shown.items():
        for period, figure in periods.items():
            assert figure["href"].startswith("/admin/"), (tile, period)
            assert figure["text"].strip() not in ("", "—") or figure["value"] == "", (tile, period)
    assert all(points[chart] > 0 for chart in CHARTS), points
    # The paid order moved the tile and today's bar, without a reload.
    assert not reloaded
    assert Order.objects.get(pk=pending.pk).status == "paid"
    assert chart_after == pytest.approx(chart_before + float(pending.total_amount))
    digits = re.sub(r"\D", "", revenue_text)
    assert digits.startswith(re.sub(r"\D", "", revenue_after.split(".")[0]))
    if language == "ru":
        assert revenue_text.endswith("₽")
    else:
        assert revenue_text.startswith("RUB")
    # Anna's sales and Boris's, another manager's client's, for both.
    assert expected["revenue"]["today"][0] == money(Decimal("4990000.50"))


def test_the_dashboard_without_javascript_shows_every_figure_as_numbers(
    chromium, server, dealership
):
    user = dealership["admin"]
    expected = expected_tiles()
    with chromium_context(chromium, java_script_enabled=False) as context:
        bare = context.new_page()
        bare.goto(f"{server.url}/admin/login/?next=/dashboard/")
        bare.fill("#id_username", user.email)
        bare.fill("#id_password", PASSWORD)
        bare.click("input[type=submit]")
        bare.wait_for_url(f"{server.url}/dashboard/")
        revenue_today = bare.locator(
            '.tile[data-tile="revenue"] .figure[data-period="today"] .value'
        )
        shown = revenue_today.get_attribute("data-value")
        visible = revenue_today.is_visible()
        week_visible = bare.locator(
            '.tile[data-tile="revenue"] .figure[data-period="week"] .value'
        ).is_visible()
        tables = bare.locator(".chart details[open] table").count()
        canvases = bare.locator(".chart .canvas").first.is_visible()

    assert shown == expected["revenue"]["today"][0]
    assert visible and week_visible  # every period at once
    assert tables == len(CHARTS)  # the charts' numbers as tables
    assert not canvases


def test_the_vendored_echarts_is_the_pinned_package():
    pinned = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    version = pinned["devDependencies"]["echarts"]
    vendored = (VENDORED / "echarts.min.js").read_bytes()
    installed = Path(settings.BASE_DIR) / "node_modules" / "echarts"

    assert re.fullmatch(r"\d+\.\d+\.\d+", version)  # pinned exactly
    assert f'version="{version}"'.encode() in vendored
    assert "Apache License" in (VENDORED / "LICENSE").read_text()
    if installed.exists():
        assert json.loads((installed / "package.json").read_text())["version"] == version
        assert (installed / "dist" / "echarts.min.js").read_bytes() == vendored


# THE LIVE ORDERS PAGE (issue 34, part 6: people's words, not internals)
# ------------------------------------------------------------------------------
FULL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_the_live_orders_page_shows_names_phones_and_local_times_in_russian(
    chromium, server, customer
):
    manager = UserFactory(role="manager")
    anna = UserFactory(role="client", full_name="Анна Петрова", phone="+79151234567")
    order = order_make(anna, (car("1250000.00", "Lada Vesta"), 1))
    # Begun a little while ago, but on the dealership's today: the page lists today's drives.
    now = timezone.localtime(timezone=ZONE)
    drive = started_drive_make(anna, minutes_ago=min(20, now.hour * 60 + now.minute))
    updated = timezone.localtime(Order.objects.get(pk=order.pk).updated_at, ZONE)

    with chromium_page(chromium) as page:
        sign_in_to_dashboard(server, page, manager, "ru")
        page.goto(f"{server.url}/dashboard/orders/")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        row = page.locator(f'tr[data-order-id="{order.pk}"]')
        expect(row).to_have_attribute("data-sequence", "1")
        drive_row = page.locator(f'tr[data-test-drive-id="{drive.pk}"]')
        expect(drive_row.locator("td.client")).to_have_text("Анна Петрова")
        headers = page.locator("thead th").all_inner_texts()
        cells = row.locator("td").all_inner_texts()
        drive_cells = drive_row.locator("td").all_inner_texts()
        lang = page.evaluate("document.documentElement.lang")
        snap(page, "dashboard-orders-ru")

    assert lang == "ru"
    assert "Seq." not in headers and "Покупатель" in headers
    assert cells[1] == "Анна Петрова"
    assert cells[2] and cells[2] != "pending"  # the status's label, not its value
    assert cells[3].replace("\xa0", " ").replace("\u202f", " ") == "1 250 000,00 ₽"
    assert updated.strftime("%H:%M") in cells[5]  # the dealership's clock
    assert updated.strftime("%d.%m.%Y") in cells[5]
    assert drive_cells[2:4] == ["Анна Петрова", "+79151234567"]
    assert drive_cells[4] == "записан"
    # (the demo car's name is the test's own, made with an id in it)
    assert not [cell for cell in cells + drive_cells[2:] if FULL_UUID.search(cell)]
