"""Where each car stands (docs/showrooms.md, "Where each car is"): the catalog learns of the
group's showrooms from their `showroom.*` events, a member of staff moves a car from one to
another with its history and its `vehicle.transferred` event, the listing counts the cars by
city and showroom, and the car's page says where it stands, on that showroom's clock."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Location, Product, VehicleTransfer
from catalog.models import OutboxEvent as CatalogOutbox
from catalog.tests.test_admin import product_form
from common.api.exceptions import ApplicationError
from common.events import delivery, registry, types
from conftest import browser_for
from orders.tests.factories import vehicle_make
from showroom import services as showroom_services
from showroom.tests.factories import YEKATERINBURG, resource_make, showroom_make
from tests.flows.test_test_drive_available import deliver_resource_events

pytestmark = pytest.mark.django_db(databases="__all__")

TRANSFER = "/api/v1/catalog/products/{}/transfer/"


def deliver_showroom_events() -> None:
    """Every `showroom.*` event not delivered yet, to the catalog's consumers, in order (as
    the relay would)."""
    rows = (
        registry.outbox_model("showroom")
        ._default_manager.filter(type__startswith="showroom.")
        .order_by("occurred_at")
    )
    for row in rows:
        consumer = "catalog.note_" + row.type.replace(".", "_")
        delivery.deliver(consumer, types.event_from_outbox_row(row, "showroom").as_dict())


@pytest.fixture
def group():
    """Two showrooms in Moscow and one in Yekaterinburg, known to the catalog."""
    moscow = showroom_make(name="Автосалон на Ленинградке")
    south = showroom_make(name="Автосалон на Варшавке", address="Варшавское шоссе, 170")
    yekaterinburg = showroom_make(**YEKATERINBURG)
    deliver_showroom_events()
    return moscow, south, yekaterinburg


def placed(showroom, **vehicle) -> Product:
    car = vehicle_make(**vehicle)
    catalog_services.vehicle_place(product_id=car.pk, showroom_id=showroom.pk)
    car.refresh_from_db()
    return car


def test_the_catalog_knows_each_showroom_by_its_events(group):
    moscow, _south, yekaterinburg = group

    assert Location.objects.count() == 3
    assert Location.objects.get(pk=yekaterinburg.pk).city == "Екатеринбург"
    moscow.is_active = False
    showroom_services.showroom_save(showroom=moscow)
    deliver_showroom_events()
    assert Location.objects.get(pk=moscow.pk).is_active is False


def test_a_car_moved_to_yekaterinburg_stands_and_is_listed_there_with_its_history_and_event(
    group, manager, manager_client
):
    moscow, _south, yekaterinburg = group
    car = placed(moscow)
    assert (car.showroom_id, car.city) == (moscow.pk, "Москва")

    response = manager_client.post(
        TRANSFER.format(car.pk), {"showroom_id": str(yekaterinburg.pk), "note": "Под заказ"}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["showroom_id"], response.json()["city"]) == (
        str(yekaterinburg.pk),
        "Екатеринбург",
    )
    car.refresh_from_db()
    assert (car.showroom_id, car.city) == (yekaterinburg.pk, "Екатеринбург")
    transfer = VehicleTransfer.objects.get()
    assert (transfer.product_id, transfer.from_showroom_id, transfer.to_showroom_id) == (
        car.pk,
        moscow.pk,
        yekaterinburg.pk,
    )
    assert (transfer.transferred_by_id, transfer.note) == (manager.pk, "Под заказ")
    assert abs(transfer.transferred_at - timezone.now()).total_seconds() < 60
    event = CatalogOutbox.objects.get(type="vehicle.transferred")
    assert event.aggregate_id == str(car.pk)
    assert event.payload["from_showroom_id"] == str(moscow.pk)
    assert (event.payload["to_showroom_id"], event.payload["to_city"]) == (
        str(yekaterinburg.pk),
        "Екатеринбург",
    )
    assert event.payload["transferred_by"] == str(manager.pk)

    again = manager_client.post(TRANSFER.format(car.pk), {"showroom_id": str(yekaterinburg.pk)})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_there")
    assert VehicleTransfer.objects.count() == 1


def test_only_staff_move_a_car_and_only_to_a_showroom_open_to_buyers(
    group, manager_client, customer_client
):
    moscow, south, yekaterinburg = group
    car = placed(moscow)
    south.is_active = False
    showroom_services.showroom_save(showroom=south)
    deliver_showroom_events()

    by_customer = customer_client.post(
        TRANSFER.format(car.pk), {"showroom_id": str(yekaterinburg.pk)}
    )
    closed = manager_client.post(TRANSFER.format(car.pk), {"showroom_id": str(south.pk)})
    unknown = manager_client.post(TRANSFER.format(car.pk), {"showroom_id": str(car.pk)})
    not_an_id = manager_client.post(TRANSFER.format(car.pk), {"showroom_id": "Екатеринбург"})
    missing = manager_client.post(TRANSFER.format(car.pk), {})
    too_long = manager_client.post(
        TRANSFER.format(car.pk), {"showroom_id": str(yekaterinburg.pk), "note": "x" * 501}
    )

    assert by_customer.status_code == 403
    assert (closed.status_code, closed.json()["error"]["code"]) == (400, "showroom_not_found")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (400, "showroom_not_found")
    for refused in (not_an_id, missing, too_long):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "validation_error"
    car.refresh_from_db()
    assert car.showroom_id == moscow.pk
    assert not VehicleTransfer.objects.exists()
    assert not CatalogOutbox.objects.filter(type="vehicle.transferred").exists()


def test_a_showroom_that_moves_city_takes_its_cars_listing_with_it(group):
    moscow, _south, _yekaterinburg = group
    car = placed(moscow)

    moscow.city = "Химки"
    showroom_services.showroom_save(showroom=moscow)
    deliver_showroom_events()

    car.refresh_from_db()
    assert car.city == "Химки"


def test_the_listing_counts_the_cars_by_city_and_showroom_as_the_catalog_holds_them(group, client):
    moscow, south, yekaterinburg = group
    for showroom, count in ((moscow, 2), (south, 1), (yekaterinburg, 1)):
        for _ in range(count):
            placed(showroom, make="Haval", model="Jolion")
    vehicle_make(make="Haval", model="Jolion")  # delivered to no showroom yet

    everywhere = client.get("/api/v1/catalog/products/facets/").json()
    in_moscow = client.get("/api/v1/catalog/products/facets/", {"city": "Москва"}).json()

    cities = {item["value"]: item["count"] for item in everywhere["facets"]["city"]}
    assert cities == {
        city: Product.objects.filter(city=city).count() for city in ("Москва", "Екатеринбург")
    }
    assert cities == {"Москва": 3, "Екатеринбург": 1}
    showrooms = {item["label"]: item["count"] for item in everywhere["facets"]["showroom"]}
    assert showrooms == {moscow.name: 2, south.name: 1, yekaterinburg.name: 1}
    assert in_moscow["count"] == 3
    # A facet counts under every filter but its own: Moscow's showrooms only, every city.
    assert {item["label"] for item in in_moscow["facets"]["showroom"]} == {moscow.name, south.name}
    assert len(in_moscow["facets"]["city"]) == 2
    listed = client.get("/api/v1/catalog/products/", {"showroom": str(yekaterinburg.pk)}).json()
    assert [row["city"] for row in listed["results"]] == ["Екатеринбург"]


def test_the_cars_page_says_where_it_stands_on_that_showrooms_clock(group, client):
    _moscow, _south, yekaterinburg = group
    car = placed(yekaterinburg)

    page = client.get(f"/cars/{car.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Где стоит автомобиль" in page
    assert "Автосалон на Космонавтов" in page and "проспект Космонавтов, 108" in page
    assert 'href="tel:+73432223344"' in page
    assert "местное время, UTC+5" in page


def test_a_manager_moves_a_car_in_the_admin_and_reads_where_it_has_been(group, manager):
    moscow, _south, yekaterinburg = group
    car = placed(moscow)
    browser = browser_for(manager)
    change = reverse("admin:catalog_product_change", args=[car.pk])

    there_already = browser.post(
        change, product_form(car, move_to=str(moscow.pk)), HTTP_ACCEPT_LANGUAGE="ru"
    )
    moved = browser.post(
        change, product_form(car, move_to=str(yekaterinburg.pk), move_note="Под заказ")
    )
    page = browser.get(change, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert there_already.status_code == 200  # the form again, with its error
    assert "Автомобиль уже стоит там." in there_already.content.decode()
    assert moved.status_code == 302
    car.refresh_from_db()
    assert (car.showroom_id, car.city) == (yekaterinburg.pk, "Екатеринбург")
    transfer = VehicleTransfer.objects.get()
    assert (transfer.from_showroom_id, transfer.to_showroom_id) == (moscow.pk, yekaterinburg.pk)
    assert (transfer.transferred_by_id, transfer.note) == (manager.pk, "Под заказ")
    assert CatalogOutbox.objects.filter(type="vehicle.transferred").count() == 1
    assert "Автосалон на Ленинградке (Москва)" in page  # moved from, by name
    assert manager.full_name in page


def next_weekday(weekday: int) -> date:
    """The next `weekday` (1 Monday … 7 Sunday) from tomorrow on."""
    day = timezone.localdate() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


def test_test_drive_slots_follow_the_hours_and_clock_of_the_showroom_the_car_stands_in(
    customer,
):
    # Open 10–19 on its own clock, two hours ahead of Moscow, closed on Sundays.
    far = showroom_make(**{**YEKATERINBURG, "name": "Урал"}, hours=[(time(10), time(19))] * 6)
    car = vehicle_make(make="Haval", model="Jolion")
    resource_make(vehicle_id=car.pk, showroom=far, opens_at=time(8))  # its own hours 8–20
    monday, sunday = next_weekday(1), next_weekday(7)
    ural = ZoneInfo("Asia/Yekaterinburg")

    slots = showroom_services.test_drive_slots_free(vehicle_id=car.pk, day=monday)

    assert slots[0][0] == datetime.combine(monday, time(10), ural)  # 08:00 in Moscow
    assert slots[-1][1] == datetime.combine(monday, time(19), ural)
    assert showroom_services.test_drive_slots_free(vehicle_id=car.pk, day=sunday) == []
    at = datetime.combine(monday, time(9), ural)
    with pytest.raises(ApplicationError) as before_opening:
        showroom_services.test_drive_book(
            user=customer,
            vehicle_id=car.pk,
            start_time=at,
            end_time=at + timedelta(hours=1),
        )
    assert "10:00" in str(before_opening.value.message)
    at = datetime.combine(monday, time(10), ural)
    drive = showroom_services.test_drive_book(
        user=customer, vehicle_id=car.pk, start_time=at, end_time=at + timedelta(hours=1)
    )
    assert drive.start_time == at


def test_a_buyer_drives_the_models_demo_car_in_the_showroom_the_car_stands_in(group):
    moscow, _south, yekaterinburg = group
    first = vehicle_make(make="Haval", model="Jolion")
    second = vehicle_make(make="Haval", model="Jolion")
    resource_make(name="Demo in Moscow", vehicle_id=first.pk, showroom=moscow)
    resource_make(name="Demo in Yekaterinburg", vehicle_id=second.pk, showroom=yekaterinburg)
    deliver_resource_events()
    wanted = placed(yekaterinburg, make="Haval", model="Jolion")
    monday = next_weekday(1)

    slots = showroom_services.test_drive_slots_free(vehicle_id=wanted.pk, day=monday)

    assert slots[0][0].tzinfo == ZoneInfo("Asia/Yekaterinburg")
    assert slots[0][0] == datetime.combine(monday, time(9), ZoneInfo("Asia/Yekaterinburg"))
