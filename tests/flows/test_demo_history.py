"""`manage.py seed_demo`: ninety days of history worth a dashboard (demo/history.py),
the same on every run, added once, and refused under production settings."""

import re
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.test import override_settings
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import User
from backoffice import dashboard
from common.figures import EVERY_SHOWROOM, GROUP_OWN
from common.formatting import money
from common.showrooms import showroom_names
from conftest import client_for
from demo import history as demo_history
from financing.models import LoanApplication
from insurance.models import Policy
from orders.models import Order
from payments.models import LedgerTransaction, Payment, Refund
from showroom.models import Registration, TestDrive
from tests.flows.test_dashboard_showrooms import sums
from tests.processes import ROOT
from tests.production import production_environment

# The demo commits as `make run` does: the apps learn of each other's records from events.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _state() -> dict:
    """What the dashboard would show, summed in the test's own queries."""
    return {
        "orders": Order.objects.count(),
        "order_total": Order.objects.aggregate(total=Sum("total_amount"))["total"],
        "payments": Payment.objects.count(),
        "ledger": LedgerTransaction.objects.aggregate(total=Sum("amount"))["total"],
        "refunds": Refund.objects.count(),
        "loans": LoanApplication.objects.count(),
        "policies": Policy.objects.count(),
        "test_drives": TestDrive.objects.count(),
        "registrations": Registration.objects.count(),
        "users": User.objects.count(),
    }


def _revenue_of_two_months(figures: dict) -> Decimal:
    """The dashboard's revenue this month and the last."""
    month = next(tile for tile in figures["tiles"] if tile["key"] == "revenue")["values"]["month"]
    return Decimal(str(month["value"])) + Decimal(str(month["previous"]))


ADMIN_ROW = re.compile(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>")


def deals_disagreeing_with_the_ledger(staff) -> list[tuple]:
    """Every order whose deal, as the admin's summary or `GET orders/{id}/deal` shows it,
    differs from what the payments' ledger and payments say: (order, where, figures)."""
    ledger: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in (
        LedgerTransaction.objects.filter(payable_kind="order")
        .values("payable_id", "type")
        .annotate(total=Sum("amount"))
    ):
        ledger[row["payable_id"], row["type"]] = row["total"]
    pending: dict = defaultdict(Decimal)
    for payment in Payment.objects.filter(status__in=["pending", "requires_action"]):
        pending[payment.payable_id] += payment.amount
    summary = admin.site._registry[Order].deal  # type: ignore[attr-defined]
    client = client_for(staff)
    disagreeing = []
    with translation.override("en"):
        for order in Order.objects.prefetch_related("links"):
            charged, refunded = ledger[order.pk, "charge"], -ledger[order.pk, "refund"]
            lent = ledger[order.pk, "loan_disbursement"] + ledger[order.pk, "loan_return"]
            expected = {
                "captured": charged,
                "pending": pending[order.pk],
                "refunded": refunded,
                "paid": charged - refunded + lent,
                "lent": ledger[order.pk, "loan_disbursement"] > 0,
            }
            deal = client.get(f"/api/v1/orders/{order.pk}/deal").json()
            api = {
                "captured": Decimal(deal["payments"]["captured"]),
                "pending": Decimal(deal["payments"]["pending"]),
                "refunded": Decimal(deal["payments"]["refunded"]),
                "paid": Decimal(deal["order"]["paid_amount"]),
                "lent": bool(deal["loan"] and deal["loan"]["status"] in ("disbursed", "returned")),
            }
            rows = dict(ADMIN_ROW.findall(summary(order)))
            shown = {
                "captured": rows["Payments captured"],
                "pending": rows["Payments pending"],
                "refunded": rows["Payments refunded"],
                "paid": rows["Paid (captured and lent)"],
            }
            in_money = {key: money(expected[key], order.currency) for key in shown}
            if api != expected:
                disagreeing.append((order.pk, "api", api, expected))
            if shown != in_money:
                disagreeing.append((order.pk, "admin", shown, in_money))
    return disagreeing


# Ninety days of business through every service, about a minute: the long stage's.
@pytest.mark.soak
def test_the_history_shows_ninety_days_of_business_the_same_every_time_and_once():
    # The history ends at the minute its plan was made: the run starts on a minute, so that
    # the plan made again below, for that minute, is the one the run carried out.
    now = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    out = StringIO()
    with time_machine.travel(now, tick=True):
        call_command("seed_demo", stdout=out)
    output = out.getvalue()
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)

    # It said what it was doing, and every step of the plan went through the services.
    assert "Seeding orders: 50/" in output
    assert "(0 steps skipped)" in output
    # The same seed and the same day: the same plan, and the run was that plan.
    plan = demo_history.plan(now)
    assert plan.fingerprint() == demo_history.plan(now).fingerprint()
    assert f"(plan {plan.fingerprint()[:12]})" in output
    customers = User.objects.filter(role=Role.CLIENT).exclude(email__endswith="@autosalon.local")
    customer_ids = list(customers.values_list("pk", flat=True))
    history_orders = Order.objects.filter(customer_id__in=customer_ids)
    assert history_orders.count() == plan.count("order") >= 250

    # Orders on at least 60 of the last 90 days, some today.
    days = set(
        history_orders.filter(created_at__gte=now - timedelta(days=90))
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day", flat=True)
    )
    assert len(days) >= 60
    assert today in days
    # Paid revenue, cancellations and refunds, several payment methods.
    paid = history_orders.filter(status__in=["paid", "processing", "completed"])
    assert paid.aggregate(total=Sum("total_amount"))["total"] > 0
    assert history_orders.filter(status="completed").exists()
    assert history_orders.filter(status="cancelled").count() >= 10
    assert Refund.objects.filter(status="completed").count() >= 5
    assert Payment.objects.values("method").distinct().count() >= 3
    several = Payment.objects.values("payable_id").annotate(n=Count("id")).filter(n__gte=2)
    assert several.exists()
    assert Payment.objects.filter(created_at__gte=now - timedelta(days=1)).exists()
    # Loans from application to disbursement, some declined; a paid policy and claims.
    loans = LoanApplication.objects.filter(customer_id__in=customer_ids)
    assert loans.filter(status="disbursed").exists()
    assert loans.filter(status="rejected").exists()
    assert LedgerTransaction.objects.filter(type="loan_disbursement").exists()
    assert Policy.objects.filter(status="active", customer_id__in=customer_ids).exists()
    # The showroom: drives completed and missed, and one today.
    drives = TestDrive.objects.all()
    assert drives.filter(status="completed").exists()
    assert drives.filter(status="no_show").exists()
    assert any(timezone.localdate(d.start_time) == today for d in drives)
    assert Registration.objects.filter(event__status="finished").exists()
    # Managers, and customers across their scopes.
    managers = User.objects.filter(role=Role.MANAGER)
    assert managers.count() >= 3
    assert 60 <= customers.count() <= 120
    assert all(
        re.fullmatch(r"\+79\d{9}", str(phone))
        for phone in customers.values_list("phone", flat=True)
    )
    assert not customers.exclude(
        Q(email__endswith="@example.ru")
        | Q(email__endswith="@example.com")
        | Q(email__endswith="@example.net")
        | Q(email__endswith="@example.org")
    ).exists()

    # One truth: for every order the admin's summary, the API's deal and the ledger agree.
    assert deals_disagreeing_with_the_ledger(User.objects.get(email=demo_history.ADMIN_EMAIL)) == []

    # The dashboard by showroom: the group's every sum is its showrooms' and its own.
    chief = User.objects.get(email=demo_history.ADMIN_EMAIL)
    picks = [pk for pk, _name in showroom_names()] + [GROUP_OWN]
    group = sums(dashboard.figures(user=chief, showroom=EVERY_SHOWROOM))
    by_showroom = [dashboard.figures(user=chief, showroom=pick) for pick in picks]
    parts = [sums(figures) for figures in by_showroom]
    assert len(picks) == 4
    assert {key: sum(part[key] for part in parts) for key in group} == group
    # Each showroom sold this month or the last (early in a month, this one has little).
    assert all(_revenue_of_two_months(figures) > 0 for figures in by_showroom[:3])

    # Running it again adds nothing.
    first = _state()
    call_command("seed_demo", stdout=StringIO())
    assert _state() == first


def test_no_plan_activates_a_customer_before_a_manager_has_taken_them_on(demo_data):
    """The history's plan differs by the day and the hour it ends at: on every one of them a
    customer who signed up is taken on by a manager before being made active (the CRM
    refuses a status change on a lead nobody has taken). The demo data is the catalog the
    plan picks from."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hours in range(0, 24 * 4, 5):  # four days, at every fifth hour, midnight included
        plan = demo_history.plan(start + timedelta(hours=hours))
        taken, activated = {}, {}
        for step in plan.steps:
            if step.action == "assign":
                taken[step.args["person"]] = step.at
            elif step.action == "activate":
                activated[step.args["person"]] = step.at
        early = {p: at for p, at in activated.items() if p in taken and at <= taken[p]}
        assert not early, (start + timedelta(hours=hours), early)


@override_settings(DEMO_DATA_ALLOWED=False)
def test_production_settings_refuse_the_demo_and_nothing_is_written():
    with pytest.raises(CommandError, match="refused under production settings"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()
    assert not Order.objects.exists()


@pytest.mark.process
def test_the_production_profile_itself_refuses_the_demo():
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "seed_demo is refused under production settings" in result.stderr
    assert not User.objects.exists()
