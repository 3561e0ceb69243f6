"""The service's demo: each showroom's bays, advisors, menus and parts (service/demo.py), and
its ninety days of history (demo/service_plan.py, demo/service_history.py)."""

import io
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from demo.history import catalog_for_plan
from demo.plan import Step
from demo.planner import Planner
from demo.service_plan import ServiceDays, ServicePlanner
from payments.models import Payment
from service import demo, selectors
from service.choices import LineState, PayType, WarrantyClaimStatus, WorkOrderStatus
from service.models import (
    Advisor,
    Bay,
    MaintenanceMenu,
    Part,
    PartStock,
    WarrantyClaim,
    WorkOrder,
    WorkOrderLine,
)
from service.tests.factories import service_showroom_make
from showroom.demo import SHOWROOMS

pytestmark = pytest.mark.django_db(databases="__all__")
MOSCOW = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


def test_the_demo_gives_each_showroom_bays_an_advisor_menus_and_a_shelf_once():
    showroom = service_showroom_make(bays=0, advisors=0)

    demo.seed(io.StringIO())
    demo.seed(io.StringIO())

    assert Bay.objects.filter(showroom_id=showroom.pk).count() == 2
    assert Advisor.objects.filter(showroom_id=showroom.pk).count() == 1
    menu = MaintenanceMenu.objects.get(make="Lada", model="Vesta", name="ТО-2")
    assert menu.operations.count() == 6
    assert menu.parts.count() == 6
    shelf = PartStock.objects.filter(showroom_id=showroom.pk)
    assert shelf.count() == Part.objects.count() == 6
    assert {(row.on_hand, row.reserved) for row in shelf} == {(40, 0)}


def _plan(now: datetime) -> list[Step]:
    """The history's plan with the service's visits in the demo showrooms (all of them open
    Monday to Saturday, as showroom/demo.py seeds them), its service steps."""
    vehicles, accessories = catalog_for_plan()
    sales = Planner(now, vehicles, accessories, []).build()
    days = ServiceDays(
        tuple(sorted(s["name"] for s in SHOWROOMS)), frozenset(range(1, 7)), frozenset()
    )
    plan = ServicePlanner(sales, days, {name for name, _, _ in vehicles}).build()
    return [step for step in plan.steps if step.action.startswith("service")]


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 29, 0, 30, tzinfo=MOSCOW),  # just after midnight on a Sunday
        datetime(2026, 12, 2, 15, 0, tzinfo=MOSCOW),  # a Wednesday afternoon
        datetime(2027, 1, 1, 12, 0, tzinfo=MOSCOW),  # New Year's Day
    ],
    ids=str,
)
def test_the_plan_books_visits_in_every_showrooms_hours_and_ends_with_cars_in_work(now):
    steps = _plan(now)
    visits = {step.args["visit"] for step in steps if step.action == "service_sign"}
    by_action = Counter(step.action for step in steps)

    assert 24 <= len(visits) <= 48
    assert all(step.at < now for step in steps)
    # Each booking starts within every service showroom's hours on its own clock, one a day.
    starts = [datetime.fromisoformat(s.args["start"]) for s in steps if s.action == "service_book"]
    for start in starts:
        for showroom in SHOWROOMS:
            local = start.astimezone(ZoneInfo(showroom["time_zone"]))
            opens, closes = showroom["hours"][local.weekday()]
            assert opens <= local.time() and (local + timedelta(hours=3)).time() <= closes
    assert len({start.date() for start in starts}) == len(starts)
    assert starts[-1] > now  # one booked ahead
    # Extra work approved and declined by the customer's word; two warranty repairs, the first
    # claim paid by the manufacturer.
    decisions = {
        (s.args["approve"], s.args["channel"]) for s in steps if s.action == "service_decide"
    }
    assert {approve for approve, _ in decisions} == {True, False}
    claims = [step.args["status"] for step in steps if step.action == "service_claim"]
    assert claims == ["submitted", "accepted", "paid", "submitted", "accepted"]
    # Today: cars in work, one waiting for its customer's word on the job found.
    assert by_action["service_sign"] - by_action["service_complete"] == 3
    proposed = {s.args["visit"] for s in steps if s.action == "service_propose"}
    answered = {
        s.args["visit"] for s in steps if s.action in ("service_decide", "service_complete")
    }
    assert len(proposed - answered) >= 1


# The whole history, about a minute: the long stage's, as tests/flows/test_demo_history.py.
@pytest.mark.soak
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_history_has_ninety_days_of_service_through_the_services_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert "(0 steps skipped)" in out.getvalue()
    work_orders = WorkOrder.objects.all()
    assert work_orders.count() >= 24
    closed = work_orders.filter(status=WorkOrderStatus.CLOSED)
    assert closed.count() >= 15
    assert work_orders.filter(status=WorkOrderStatus.IN_WORK).exists()
    assert work_orders.filter(status=WorkOrderStatus.WAITING).exists()
    assert work_orders.filter(customer_id__isnull=True).count() >= 5  # walk-ins
    assert work_orders.values("showroom_id").distinct().count() == 3
    # Closed and paid, through payments: what each was paid is what it cost the customer.
    paid = Payment.objects.filter(payable_kind="work_order", status="completed")
    assert paid.values("method").distinct().count() == 2  # by card and at the cash desk
    for work_order in closed:
        assert work_order.amount_paid == work_order.customer_total
    assert closed.filter(amount_paid__gt=0).count() >= 15
    # Extra work approved and declined, on the site, by phone and by the instruction.
    lines = WorkOrderLine.objects.exclude(decided_how="")
    assert lines.filter(state=LineState.APPROVED).exists()
    assert lines.filter(state=LineState.DECLINED).exists()
    assert {"site", "phone"} <= set(lines.values_list("decided_how", flat=True))
    # A warranty repair: its claim to the manufacturer past `open`.
    assert WorkOrderLine.objects.filter(pay_type=PayType.WARRANTY, done_at__isnull=False).exists()
    claims = WarrantyClaim.objects.all()
    assert claims.exclude(status=WarrantyClaimStatus.OPEN).count() == claims.count() >= 2
    assert claims.filter(status=WarrantyClaimStatus.ACCEPTED).exists()
    # A demo buyer finds their car and its visit in "Мои автомобили".
    buyer = User.objects.get(pk=closed.filter(customer_id__isnull=False).first().customer_id)
    assert buyer.email.endswith(("@example.ru", "@example.com", "@example.net", "@example.org"))
    assert any(car.visits for car in selectors.my_cars(user=buyer))

    # Running it again adds nothing.
    counts = (WorkOrder.objects.count(), WorkOrderLine.objects.count(), Payment.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        WorkOrder.objects.count(),
        WorkOrderLine.objects.count(),
        Payment.objects.count(),
    ) == counts
