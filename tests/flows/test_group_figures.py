"""The group's figures (docs/dashboard.md, "Who sees what"): for every login of the README's
table that may open the dashboard (the admin, the group's manager and each showroom's
manager), today's revenue, paid orders and applications sent to the partner banks agree
between the dashboard, the sales report (its page and its selectors) and the records behind
them (the payments' ledger, the loan applications); the group's manager sees exactly what the
admin sees, and the showrooms' managers' figures add up to the group's."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import translation

from accounts import demo as accounts_demo
from accounts.models import User
from accounts.tests.factories import UserFactory
from backoffice.views import showroom_pick, showroom_picks
from common.figures import EVERY_SHOWROOM, GROUP_OWN, day_bounds, dealership_today
from common.formatting import count_of
from conftest import browser_for, client_for
from crm.tests.factories import crm_client_make
from demo import staff as demo_staff
from financing.models import BankOffer, LoanApplication
from financing.tests.factories import application_make, banks_make, offers_url
from orders.models import Order, OrderStatusHistory
from orders.selectors.sales import sold_order_chunks
from orders.tests.factories import order_make
from payments.models import LedgerTransaction, Payment
from payments.selectors import with_showroom
from payments.tests.factories import completed_payment_make, pending_payment_make
from tests.flows.test_vehicle_locations import group, placed

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group"]  # the fixture, shared with the cars' locations

ZERO = Decimal("0.00")
# A row of the README's table of demo logins: `| role | e-mail | password |`.
LOGIN = re.compile(r"^\|[^|\n]+\|\s*(\S+@autosalon\.local)\s*\|", re.MULTILINE)


@pytest.fixture(autouse=True)
def _instant_provider(settings, provider):
    settings.FAKE_PROVIDER_LATENCY_MS = 0


def readme_staff() -> dict[str, User]:
    """The README's demo logins that may open the dashboard, by e-mail, made as `seed_demo`
    makes them (accounts/demo.py, demo/staff.py)."""
    accounts_demo.seed(StringIO())
    demo_staff.seed(StringIO())
    emails = LOGIN.findall((Path(settings.BASE_DIR) / "README.md").read_text())
    staff = User.objects.filter(email__in=emails, is_staff=True, is_active=True)
    return {user.email: user for user in staff}


def sold_today(showroom, price: str, run_on_commit, buyer=None):
    """A car of `showroom`'s, ordered and paid in full today, through payments (a charge on
    the ledger), by `buyer` or a buyer of its own."""
    buyer = buyer or UserFactory()
    car = placed(showroom, make="Lada", model="Vesta", year=2026, price=price)
    order = order_make(buyer, (car, 1))
    with run_on_commit():
        completed_payment_make(buyer, order, str(order.total_amount))
    return buyer, order


def moved_back(order, days: int) -> None:
    """The order, its payment and its ledger rows `days` earlier: sold then, not today."""
    shift = timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(created_at=F("created_at") - shift)
    OrderStatusHistory.objects.filter(order_id=order.pk).update(created_at=F("created_at") - shift)
    Payment.objects.filter(payable_id=order.pk).update(created_at=F("created_at") - shift)
    LedgerTransaction.objects.filter(payable_id=order.pk).update(created_at=F("created_at") - shift)


def sent_to_the_banks(showroom, run_on_commit) -> LoanApplication:
    """A buyer of `showroom`'s car applies for a loan and sends it to the three demo banks
    today; the banks answer (two offers, a refusal)."""
    buyer = UserFactory()
    car = placed(showroom, make="Lada", model="Vesta", year=2026, price="1000000.00")
    order = order_make(buyer, (car, 1))
    pending_payment_make(buyer, order, amount="1000.00")  # started: not on the ledger
    application = application_make(buyer, order)
    banks = banks_make()
    with run_on_commit():
        response = client_for(buyer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks], "consent": True},
            format="json",
        )
    assert response.status_code == 201, response.json()
    return application


# WHAT EACH SOURCE SAYS, FOR ONE SHOWROOM PICKED
# ------------------------------------------------------------------------------
def on_the_dashboard(browser, pick) -> dict:
    figures = browser.get(reverse("dashboard-figures"), {"showroom": str(pick)}).json()
    revenue = next(t for t in figures["tiles"] if t["key"] == "revenue")["values"]["today"]
    return {
        "revenue": Decimal(revenue["value"]),
        "orders": revenue["count"],
        "applications": figures["charts"]["bank_applications"],
        "asked": sum(row["asked"] for row in figures["charts"]["banks"]),
    }


def in_the_report(browser, pick) -> dict:
    today = dealership_today().isoformat()
    page = browser.get(reverse("sales-report"), {"from": today, "to": today, "showroom": pick})
    assert page.status_code == 200
    assert str(page.context["query"].showroom) == str(pick)
    total = page.context["report"].total.get("RUB")
    return {"revenue": total.revenue if total else ZERO, "orders": total.orders if total else 0}


def in_the_reports_selectors(pick) -> tuple[dict, list]:
    today = dealership_today()
    orders = [
        order
        for chunk in sold_order_chunks(date_from=today, date_to=today, showroom=pick)
        for order in chunk
    ]
    revenue = sum((order.total_amount for order in orders), ZERO)
    return {"revenue": revenue, "orders": len(orders)}, [order.id for order in orders]


def _of(rows, field: str, pick):
    if pick == EVERY_SHOWROOM:
        return rows
    return rows.filter(**{field: None if pick == GROUP_OWN else pick})


def on_the_ledger(pick, sold_ids: list) -> dict:
    """What the payments' ledger took today for the orders of the showroom picked (by their
    payable's showroom), and for the orders the report lists."""
    start, end = day_bounds(dealership_today(), dealership_today())
    today = LedgerTransaction.objects.filter(
        payable_kind="order", created_at__gte=start, created_at__lt=end
    )
    taken = _of(with_showroom(today), "payable_showroom_id", pick).aggregate(
        total=Sum("amount"), orders=Count("payable_id", distinct=True)
    )
    listed = LedgerTransaction.objects.filter(payable_kind="order", payable_id__in=sold_ids)
    return {
        "revenue": taken["total"] or ZERO,
        "orders": taken["orders"],
        "of the orders listed": listed.aggregate(total=Sum("amount"))["total"] or ZERO,
    }


def in_financing(pick) -> dict:
    applications = _of(LoanApplication.objects.filter(asks_banks=True), "showroom_id", pick)
    offers = _of(BankOffer.objects.all(), "application__showroom_id", pick)
    return {"applications": applications.count(), "asked": offers.count()}


def test_every_dashboard_login_sees_its_scopes_figures_as_the_report_and_the_ledger_do(
    group, run_on_commit
):
    leningradka, varshavka, kosmonavtov = group
    staff = readme_staff()
    manager = staff["manager@autosalon.local"]
    # Four cars paid today in three showrooms (6,932,500.00), one paid three days ago; one
    # of today's buyers is the group's manager's own client, the others nobody's.
    mine = UserFactory()
    crm_client_make(name="Клиент менеджера", user_id=mine.pk, manager_id=manager.pk)
    sold_today(leningradka, "4090000.00", run_on_commit, buyer=mine)
    sold_today(leningradka, "1500000.00", run_on_commit)
    sold_today(varshavka, "1000000.00", run_on_commit)
    sold_today(kosmonavtov, "342500.00", run_on_commit)
    moved_back(sold_today(kosmonavtov, "2750000.00", run_on_commit)[1], 3)
    # A buyer of Varshavka's sends their application to three banks today.
    application = sent_to_the_banks(varshavka, run_on_commit)

    assert sorted(staff) == [
        "admin@autosalon.local",
        "kosmonavtov@autosalon.local",
        "leningradka@autosalon.local",
        "manager@autosalon.local",
        "varshavka@autosalon.local",
    ]
    assert application.showroom_id == varshavka.pk
    seen = {}
    for email, user in staff.items():
        browser = browser_for(user)
        for value, _label in showroom_picks(user):
            pick = showroom_pick(user, value)
            report, sold_ids = in_the_reports_selectors(pick)
            ledger = on_the_ledger(pick, sold_ids)
            dashboard = on_the_dashboard(browser, pick)
            figures = {
                "dashboard": dashboard,
                "report": in_the_report(browser, pick),
                "report's selectors": report,
                "ledger": {"revenue": ledger["revenue"], "orders": ledger["orders"]},
                "ledger of the orders listed": {"revenue": ledger["of the orders listed"]},
                "financing": in_financing(pick),
            }
            for source, measured in figures.items():
                for name, value in measured.items():
                    assert value == dashboard[name], (email, str(pick), source, name)
            seen[email, str(pick)] = dashboard
        # The page opens on the login's whole scope: the group's for the group's staff.
        page = browser.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru")
        shown = page.context["figures"]
        assert shown["showroom"] == showroom_picks(user)[0][0], email
        # It says whose figures, and how many applications went to the banks.
        whose = "Весь автосалон." if len(showroom_picks(user)) > 1 else showroom_picks(user)[0][1]
        with translation.override("ru"):
            applications = count_of(
                "financing.loanapplication", seen[email, shown["showroom"]]["applications"]
            )
        content = page.content.decode()
        assert f'<p id="scope">{whose}' in content, email
        assert f">{applications}</p>" in content, email

    group_total = seen["admin@autosalon.local", EVERY_SHOWROOM]
    assert group_total == {
        "revenue": Decimal("6932500.00"),
        "orders": 4,
        "applications": 1,
        "asked": 3,
    }
    # The group's manager sees every pick as the admin does, not their one client's sale.
    for (email, pick), figures in seen.items():
        if email == "admin@autosalon.local":
            assert seen["manager@autosalon.local", pick] == figures, pick
    # Each showroom's manager sees their showroom's only, and theirs add up to the group's.
    showroom_managers = {
        "leningradka@autosalon.local": leningradka,
        "varshavka@autosalon.local": varshavka,
        "kosmonavtov@autosalon.local": kosmonavtov,
    }
    for email, showroom in showroom_managers.items():
        assert [pick for who, pick in seen if who == email] == [str(showroom.pk)]
    parts = [seen[email, str(showroom.pk)] for email, showroom in showroom_managers.items()]
    assert {key: sum(part[key] for part in parts) for key in group_total} == group_total
    assert [part["revenue"] for part in parts] == [
        Decimal("5590000.00"),
        Decimal("1000000.00"),
        Decimal("342500.00"),
    ]
    assert seen["admin@autosalon.local", GROUP_OWN] == {
        "revenue": ZERO,
        "orders": 0,
        "applications": 0,
        "asked": 0,
    }
