"""The dashboard by showroom (docs/dashboard.md, "By showroom"): every money and count tile of
the group's total is the sum of each showroom's and the group's own (the records of no
showroom), in every period; a showroom's manager picks among their showrooms only, and
another's figures are a 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from backoffice import dashboard
from backoffice.reports import ReportQuery, SalesReport
from backoffice.views import showroom_pick, showroom_picks
from common.figures import EVERY_SHOWROOM, GROUP_OWN, day_start, dealership_today
from conftest import browser_for
from crm.tests.factories import crm_client_make
from financing.tests.factories import application_make
from insurance.tests.factories import policy_make
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make, pending_payment_make
from showroom import services as showroom_services
from showroom.tests.factories import event_make, resource_make
from tests.flows.test_dashboard_figures import pay
from tests.flows.test_vehicle_locations import group, next_weekday, placed
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")

__all__ = ["group"]  # the fixture, shared with the cars' locations


def car_order(showroom, price: str = "1500000.00"):
    """A car of `showroom`'s, ordered by a buyer of its own (a buyer holds two at most)."""
    buyer = UserFactory()
    car = placed(showroom, make="Lada", model="Vesta", price=price)
    return buyer, order_make(buyer, (car, 1))


def business_in(showroom, price: str):
    """What a showroom does in a day: a car sold and paid, a prepayment charged and another
    pending, a loan approved, a policy sold, a trade-in asked for, a test drive booked."""
    pay(car_order(showroom, price)[1])
    buyer, order = car_order(showroom)
    completed_payment_make(buyer, order, "150000.00")
    pending_payment_make(buyer, order, amount="1000.00")
    total = order.total_amount
    application_make(buyer, order, vehicle_price=str(total), down_payment=str(total / 5))
    policy_make(buyer, order)
    trade_in_make(buyer, order)
    demo = placed(showroom, make="Lada", model="Vesta")
    resource_make(vehicle_id=demo.pk, showroom=showroom)
    start = day_start(next_weekday(3)) + timedelta(hours=12)
    showroom_services.test_drive_book(
        user=buyer, vehicle_id=demo.pk, start_time=start, end_time=start + timedelta(hours=1)
    )


def business_of_the_group():
    """What belongs to no showroom: accessories sold, a seat at an event, a new client."""
    buyer = UserFactory()
    pay(order_make(buyer, (product_make(price="2500.00"), 2)))
    showroom_services.registration_create(event_id=event_make().pk, user=buyer)
    crm_client_make(name="Пётр Сидоров")


# Figures that are not sums: an average and the percentages. Their counts are (the rows of
# the average, the whole of a percentage).
RATIOS = {"average_order", "service_average_order"}


def sums(figures: dict) -> dict:
    """Each tile's value that is a sum (money, a count) and each tile's count, by period."""
    added = {}
    for tile in figures["tiles"]:
        for period, values in tile["values"].items():
            if tile["kind"] in ("money", "count") and tile["key"] not in RATIOS:
                added[(tile["key"], period, "value")] = Decimal(str(values["value"]))
            if values["count"] is not None:
                added[(tile["key"], period, "count")] = values["count"]
    return added


def test_the_groups_every_figure_is_the_sum_of_its_showrooms_and_its_own(group, admin_user):
    leningradka, varshavka, yekaterinburg = group
    business_in(leningradka, "1500000.00")
    business_in(varshavka, "2100000.00")
    business_in(yekaterinburg, "1800000.00")
    business_of_the_group()
    picks = [EVERY_SHOWROOM, leningradka.pk, varshavka.pk, yekaterinburg.pk, GROUP_OWN]

    by_pick = {pick: sums(dashboard.figures(user=admin_user, showroom=pick)) for pick in picks}

    total, parts = by_pick[EVERY_SHOWROOM], [by_pick[pick] for pick in picks[1:]]
    assert {key: sum(part[key] for part in parts) for key in total} == total
    revenue = [by_pick[pick][("revenue", "today", "value")] for pick in picks]
    assert revenue == [
        Decimal("5405000.00"),
        Decimal("1500000.00"),
        Decimal("2100000.00"),
        Decimal("1800000.00"),
        Decimal("5000.00"),
    ]
    assert by_pick[leningradka.pk][("test_drives_booked", "today", "value")] == 1
    assert by_pick[GROUP_OWN][("test_drives_booked", "today", "value")] == 0
    assert by_pick[GROUP_OWN][("registrations", "today", "value")] == 1
    assert by_pick[leningradka.pk][("registrations", "today", "value")] == 0


def test_a_showrooms_manager_sees_their_showrooms_figures_only(group):
    leningradka, varshavka, _yekaterinburg = group
    manager = UserFactory(role="manager", showroom_ids=[leningradka.pk])
    page, figures = reverse("dashboard"), reverse("dashboard-figures")
    browser = browser_for(manager)

    own = browser.get(page, HTTP_ACCEPT_LANGUAGE="ru")
    refused = {
        "another": browser.get(figures, {"showroom": str(varshavka.pk)}).status_code,
        "the group": browser.get(figures, {"showroom": GROUP_OWN}).status_code,
        "every": browser.get(page, {"showroom": EVERY_SHOWROOM}).status_code,
        "no such": browser.get(figures, {"showroom": "Казань"}).status_code,
    }

    assert showroom_picks(manager) == [(str(leningradka.pk), "Автосалон на Ленинградке, Москва")]
    assert showroom_pick(manager, None) == leningradka.pk
    assert own.status_code == 200
    assert own.context["figures"]["showroom"] == str(leningradka.pk)
    assert refused == dict.fromkeys(refused, 404)


def test_the_group_picks_any_showroom_from_the_page(group, admin_user):
    leningradka = group[0]
    browser = browser_for(admin_user)

    page = browser.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    one = browser.get(reverse("dashboard-figures"), {"showroom": str(leningradka.pk)}).json()

    assert 'name="showroom"' in page
    assert "Вся группа" in page and "Без салона" in page
    assert "Автосалон на Ленинградке, Москва" in page
    assert one["showroom"] == str(leningradka.pk)


def test_the_sales_report_by_showroom_adds_up_to_the_groups(group, admin_user):
    leningradka, varshavka, yekaterinburg = group
    business_in(leningradka, "1500000.00")
    business_in(varshavka, "2100000.00")
    business_of_the_group()
    today = dealership_today()
    picks = [EVERY_SHOWROOM, leningradka.pk, varshavka.pk, yekaterinburg.pk, GROUP_OWN]

    def report(pick):
        query = ReportQuery(today, today, showroom=pick)
        rows = list(SalesReport(query).rows())
        return {row.number for row in rows}, sum((row.total_amount for row in rows), Decimal(0))

    numbers, revenue = zip(*(report(pick) for pick in picks), strict=True)

    assert revenue == (
        Decimal("3605000.00"),
        Decimal("1500000.00"),
        Decimal("2100000.00"),
        Decimal("0"),
        Decimal("5000.00"),
    )
    assert numbers[0] == numbers[1] | numbers[2] | numbers[4]
    assert not numbers[1] & numbers[2]


def test_a_showrooms_manager_downloads_their_showrooms_sales_only(group):
    leningradka, varshavka, _yekaterinburg = group
    manager = UserFactory(role="manager", showroom_ids=[leningradka.pk])
    browser = browser_for(manager)

    own = browser.get(reverse("sales-report"), HTTP_ACCEPT_LANGUAGE="ru")
    another = browser.get(reverse("sales-report-csv"), {"showroom": str(varshavka.pk)})

    assert own.status_code == 200
    assert own.context["query"].showroom == leningradka.pk
    assert another.status_code == 404
