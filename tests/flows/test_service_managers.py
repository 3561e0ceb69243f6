"""The service department for its managers (docs/service.md, "Managers"): the dashboard's
service tiles and parts running low, equal to what the test computes from the bookings and work
orders it made, and of the showroom picked only; the sales report's service sheet; and the
advisor's day in the admin, of the advisor's showroom only, on its own clock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.tests.factories import UserFactory
from backoffice import dashboard
from common.figures import EVERY_SHOWROOM, dealership_today
from conftest import browser_for
from service import services
from service.choices import Channel, WorkOrderStatus
from service.models import Booking, MaintenanceMenu, PartStock, WorkOrder
from service.tests.factories import (
    booking_make,
    local_at,
    service_showroom_make,
    work_order_make,
)
from tests.flows.reports import csv_read

pytestmark = pytest.mark.django_db(databases="__all__")


def to_today(booking: Booking) -> None:
    """The booking, made for the day after tomorrow, moved to the same hours today."""
    Booking.objects.filter(pk=booking.pk).update(
        start_time=booking.start_time - timedelta(days=2),
        end_time=booking.end_time - timedelta(days=2),
    )


def handed_over(work_order: WorkOrder) -> WorkOrder:
    """The order as handed over now (payment is another app's: docs/service.md)."""
    WorkOrder.objects.filter(pk=work_order.pk).update(
        status=WorkOrderStatus.HANDED_OVER, handed_over_at=timezone.now()
    )
    return WorkOrder.objects.get(pk=work_order.pk)


def in_status(work_order: WorkOrder, status: str) -> WorkOrder:
    WorkOrder.objects.filter(pk=work_order.pk).update(status=status)
    return WorkOrder.objects.get(pk=work_order.pk)


def a_service_day(showroom, staff, customer) -> dict:
    """In `showroom` (two bays open 9–21): a ТО-1 booked at 10:00 today (an hour and a half)
    and opened as a work order, with two jobs proposed, one approved and one declined, handed
    over; a complaint booked at 12:00 today (an hour); a car driven in and in work; the oil's
    shelf marked low (200 on hand, 4 reserved, low at 200)."""
    work_order = work_order_make(staff, customer, showroom)
    assert work_order.booking is not None
    to_today(work_order.booking)
    services.work_order_sign(user=customer, work_order_id=work_order.pk, channel=Channel.SITE)
    approved, declined = (
        services.line_add(
            user=staff,
            work_order_id=work_order.pk,
            kind="labour",
            name=name,
            norm_hours=Decimal(hours),
        )
        for name, hours in (("Замена сайлентблоков", "2"), ("Промывка инжектора", "1"))
    )
    for line, approve in ((approved, True), (declined, False)):
        services.line_decide(
            user=customer,
            work_order_id=work_order.pk,
            line_id=line.pk,
            approve=approve,
            channel=Channel.SITE,
        )
    complaint = booking_make(customer, showroom, local_at(showroom, 12))
    to_today(complaint)
    in_work = in_status(work_order_make(staff, None, showroom), WorkOrderStatus.IN_WORK)
    oil = MaintenanceMenu.objects.get(make="Lada", model="Vesta", name="ТО-1").parts.get()
    services.stock_receive(
        showroom_id=showroom.pk,
        part_id=oil.part_id,
        quantity=Decimal("0"),
        min_quantity=Decimal("200"),
    )
    return {
        "handed_over": handed_over(work_order),
        "complaint": complaint,
        "in_work": in_work,
    }


@pytest.fixture
def two_showrooms():
    """Two showrooms with a service day each; each one's manager; a customer."""
    customer = UserFactory(role="client")
    rooms = []
    for name in ("Север", "Юг"):
        showroom = service_showroom_make(bays=2, name=f"Сервис {name}")
        staff = UserFactory(role="manager", showroom_ids=[showroom.pk], full_name=f"Мастер {name}")
        rooms.append((showroom, staff, a_service_day(showroom, staff, customer)))
    return rooms


def tile(figures: dict, key: str) -> dict:
    return next(t for t in figures["tiles"] if t["key"] == key)["values"]


def days_of(period: dict) -> int:
    start, end = (dealership_today().fromisoformat(period[k]) for k in ("from", "to"))
    return (end - start).days + 1


def test_the_service_tiles_are_worked_out_from_the_bookings_and_work_orders_made(
    two_showrooms, admin_user
):
    (north, north_staff, day), _south = two_showrooms
    # ТО-1 (1.5 h at 2 500 ₽, four litres of oil at 900 ₽) and the job approved (2 h).
    assert day["handed_over"].customer_total == Decimal("12350.00")

    figures = dashboard.figures(user=north_staff, showroom=north.pk)

    for period in figures["periods"]:
        key = period["key"]
        open_minutes = 2 * 12 * 60 * days_of(period)  # two bays, 9 to 21 each day
        booked = Decimal(90 + 60) * 100 / open_minutes  # the ТО-1 and the complaint
        assert tile(figures, "service_bay_load")[key]["value"] == f"{booked:.1f}", key
        assert tile(figures, "service_bay_load")[key]["count"] == 2, key
        assert tile(figures, "service_bay_load")[key]["previous"] == "0.0", key
        assert tile(figures, "service_revenue")[key]["value"] == "12350.00", key
        assert tile(figures, "service_revenue")[key]["count"] == 1, key
        assert tile(figures, "service_revenue")[key]["previous"] == "0.00", key
        assert tile(figures, "service_average_order")[key]["value"] == "12350.00", key
        assert tile(figures, "service_extra_approved")[key]["value"] == "50.0", key
        assert tile(figures, "service_extra_approved")[key]["count"] == 2, key
    (shelf,) = figures["charts"]["parts_low"]
    assert (shelf["part"], shelf["free"], shelf["min"]) == ("Масло", "196", "200")
    assert shelf["showroom"] == "Сервис Север, Москва"
    stock = PartStock.objects.get(showroom_id=north.pk)
    assert shelf["href"] == reverse("admin:service_partstock_change", args=[stock.pk])

    group = dashboard.figures(user=admin_user, showroom=EVERY_SHOWROOM)
    assert tile(group, "service_revenue")["today"] == {
        **tile(group, "service_revenue")["today"],
        "value": "24700.00",
        "count": 2,
    }
    assert tile(group, "service_bay_load")["today"]["count"] == 4
    assert len(group["charts"]["parts_low"]) == 2


def test_another_showrooms_manager_sees_none_of_it(two_showrooms):
    (north, _north_staff, _day), (south, south_staff, _other) = two_showrooms

    with pytest.raises(PermissionDenied):
        dashboard.figures(user=south_staff, showroom=north.pk)
    page = browser_for(south_staff).get(
        f"{reverse('dashboard')}?{urlencode({'showroom': north.pk})}"
    )
    assert page.status_code == 404
    theirs = dashboard.figures(user=south_staff, showroom=south.pk)
    assert tile(theirs, "service_revenue")["today"]["value"] == "12350.00"  # their own only
    assert [row["showroom"] for row in theirs["charts"]["parts_low"]] == ["Сервис Юг, Москва"]


def test_the_dashboard_page_shows_the_service_tiles_in_russian(two_showrooms):
    (_north, north_staff, _day), _south = two_showrooms
    browser = browser_for(north_staff)
    page = browser.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert 'data-tile="service_revenue"' in page
    assert "12\xa0350" in page  # money as the dashboard writes it
    assert "Масло" in page


def test_the_service_sheet_lists_the_showrooms_work_orders_of_the_range(two_showrooms, admin_user):
    (north, _north_staff, day), (south, _south_staff, _other) = two_showrooms
    today = dealership_today().isoformat()
    params = {"from": today, "to": today, "showroom": str(north.pk), "table": "service"}

    response = browser_for(admin_user).get(f"{reverse('sales-report-csv')}?{urlencode(params)}")
    rows = csv_read(response, delimiter=";")  # in the dealership's language

    header, *orders, total = rows
    assert header == [
        "Заказ-наряд",
        "Открыт",
        "Шоурум",
        "Мастер-консультант",
        "К оплате клиентом",
        "По гарантии",
        "Внутренние",
        "Статус",
        "Выдан клиенту",
    ]
    numbers = sorted(row[0] for row in orders)
    north_orders = WorkOrder.objects.filter(showroom_id=north.pk).order_by("number")
    assert numbers == [order.number for order in north_orders]
    handed = next(row for row in orders if row[0] == day["handed_over"].number)
    assert handed[1:] == [
        today,
        "Сервис Север, Москва",
        "Мастер 1",
        "12350.00",
        "0.00",
        "0.00",
        "Выдан клиенту",
        handed[8],
    ]
    assert handed[8].startswith(today)
    assert total[0] == "Итого"
    assert Decimal(total[4]) == sum(order.customer_total for order in north_orders)
    assert not WorkOrder.objects.filter(showroom_id=south.pk, number__in=numbers).exists()


def test_the_workbook_has_the_service_sheet(two_showrooms, admin_user):
    from io import BytesIO

    from openpyxl import load_workbook

    today = dealership_today().isoformat()
    params = {"from": today, "to": today}
    response = browser_for(admin_user).get(f"{reverse('sales-report-xlsx')}?{urlencode(params)}")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))

    sheet = workbook["Сервис"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + WorkOrder.objects.count() + 1  # the header, each order, the total
    assert rows[-1][4] == sum(order.customer_total for order in WorkOrder.objects.all())


def test_the_advisors_day_shows_their_showrooms_today_only(two_showrooms, admin_user):
    (_north, north_staff, day), (_south, _south_staff, other) = two_showrooms
    page_url = reverse("admin:service_workorder_advisor_day")

    page = browser_for(north_staff).get(page_url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Сервис Север" in html and "Сервис Юг" not in html
    change = reverse("admin:service_workorder_change", args=[day["in_work"].pk])
    assert f'href="{change}"' in html
    assert reverse("admin:service_workorder_change", args=[other["in_work"].pk]) not in html
    assert reverse("admin:service_workorder_change", args=[day["handed_over"].pk]) in html
    assert "10:00–11:30" in html and "12:00–13:00" in html  # today's bookings, its own clock
    assert "Стучит" in html
    everyone = browser_for(admin_user).get(page_url).content.decode()
    assert "Сервис Север" in everyone and "Сервис Юг" in everyone
    assert browser_for(UserFactory(role="client")).get(page_url).status_code == 302
