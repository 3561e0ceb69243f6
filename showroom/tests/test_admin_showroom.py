"""The showroom in the admin: test drives and registrations show and find the client by name
and phone, the date filter narrows the lists, the test-drive list exports what it shows, and
events and resources created or edited in the admin emit the API's events."""

import csv
import io
import uuid
from datetime import time, timedelta

import pytest
from django.test import Client as PageClient
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import chose_english
from showroom import services
from showroom.choices import EventStatus
from showroom.models import Event, OutboxEvent, Resource, TestDrive
from showroom.tests.factories import drive_make, event_make, resource_make, tomorrow_at

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def pages(admin_user):
    pages = PageClient()
    pages.force_login(admin_user)
    return pages


@pytest.fixture
def anna(db):
    return UserFactory(full_name="Anna Kuznetsova", phone="+79161112233")


@pytest.fixture
def boris(db):
    return UserFactory(full_name="Boris Orlov", phone="+79035556677")


def _listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_test_drives_show_and_find_the_client_by_name_and_phone(pages, anna, boris):
    drive_make(anna)
    drive_make(boris, start=tomorrow_at(12))
    url = reverse("admin:showroom_testdrive_changelist")

    page = _listed(pages.get(url))
    assert "Anna Kuznetsova" in page and "+79161112233" in page
    crm_link = f"{reverse('admin:crm_client_changelist')}?user_id={anna.pk}"
    assert crm_link in page

    by_name = _listed(pages.get(url, {"q": "Kuznetsova"}))
    assert "Anna Kuznetsova" in by_name and "Boris Orlov" not in by_name
    by_phone = _listed(pages.get(url, {"q": "8 903 555-66-77"}))
    assert "Boris Orlov" in by_phone and "Anna Kuznetsova" not in by_phone


def test_registrations_find_the_client_by_name(pages, anna, boris):
    event = event_make()
    services.registration_create(event_id=event.pk, user=anna)
    services.registration_create(event_id=event.pk, user=boris)

    page = _listed(pages.get(reverse("admin:showroom_registration_changelist"), {"q": "anna kuz"}))
    assert "Anna Kuznetsova" in page and "+79161112233" in page
    assert "Boris Orlov" not in page


def test_the_date_filter_narrows_the_test_drives_and_the_export_keeps_it(
    admin_user, pages, anna, boris
):
    chose_english(admin_user)  # the columns below are read in English
    drive_make(anna)  # tomorrow
    later = tomorrow_at(11) + timedelta(days=2)
    drive_make(boris, start=later)
    day = timezone.localdate(later).isoformat()
    filters = {"start_time__range__gte": day, "start_time__range__lte": day}

    page = _listed(pages.get(reverse("admin:showroom_testdrive_changelist"), filters))
    assert "Boris Orlov" in page and "Anna Kuznetsova" not in page

    export_url = f"{reverse('admin:showroom_testdrive_export')}?start_time__range__gte={day}"
    form = {"format": "0"}  # CSV
    form.update(
        {f"testdriveresource_{name}": "on" for name in ("number", "start_time", "client", "phone")}
    )
    export = pages.post(f"{export_url}&start_time__range__lte={day}", form)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["number", "start", "client", "phone"]
    assert [row[2:] for row in rows[1:]] == [["Boris Orlov", "'+79035556677"]]  # + escaped in CSV
    assert rows[1][0] == TestDrive.objects.get(user_id=boris.pk).number


def _outbox(type_: str, aggregate_id) -> int:
    return OutboxEvent.objects.filter(type=type_, aggregate_id=str(aggregate_id)).count()


def _event_form(**changes) -> dict:
    start = tomorrow_at(10)
    form = {
        "title": "Crossover launch",
        "description": "",
        "category": "",
        "start_date_0": start.strftime("%Y-%m-%d"),
        "start_date_1": "10:00:00",
        "end_date_0": start.strftime("%Y-%m-%d"),
        "end_date_1": "18:00:00",
        "location": "Showroom floor",
        "capacity": "20",
        "waitlist_enabled": "on",
        "price": "",
        "currency": "RUB",
        "vehicle_ids": "[]",
        "status": EventStatus.PUBLISHED,
    }
    form.update(changes)
    return form


def test_an_event_created_and_edited_in_the_admin_emits_the_api_events(pages):
    response = pages.post(reverse("admin:showroom_event_add"), _event_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="Crossover launch")
    assert event.status == EventStatus.PUBLISHED and event.capacity == 20
    assert _outbox("event.created", event.pk) == 1

    response = pages.post(
        reverse("admin:showroom_event_change", args=[event.pk]), _event_form(capacity="25")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 25
    assert _outbox("event.updated", event.pk) == 1
    assert Event.objects.filter(title="Crossover launch").count() == 1  # the dry run kept none


def test_what_the_event_service_refuses_is_a_form_error_and_nothing_is_saved(pages, anna):
    event = event_make(capacity=2)
    services.registration_create(event_id=event.pk, user=anna)
    services.registration_create(event_id=event.pk, user=UserFactory())

    response = pages.post(
        reverse("admin:showroom_event_change", args=[event.pk]),
        _event_form(title=event.title, capacity="1"),
    )

    page = _listed(response)  # the form again, with the service's reason
    assert "2 seats are already given" in page
    event.refresh_from_db()
    assert event.capacity == 2
    assert _outbox("event.updated", event.pk) == 0


def test_a_resource_created_in_the_admin_emits_the_api_event(pages):
    kind = services.resource_type_create(name="Demo cars")
    vehicle_id = uuid.uuid4()
    form = {
        "name": "Demo crossover",
        "type": str(kind.pk),
        "quantity": "1",
        "opens_at": "09:00",
        "closes_at": "20:00",
        "vehicle_id": str(vehicle_id),
        "is_active": "on",
    }

    response = pages.post(reverse("admin:showroom_resource_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get(vehicle_id=vehicle_id)
    assert (resource.opens_at, resource.closes_at) == (time(9), time(20))
    assert _outbox("resource.created", resource.pk) == 1
    assert Resource.objects.filter(name="Demo crossover").count() == 1


def test_a_resource_edit_the_service_refuses_shows_why(pages):
    resource = resource_make(name="Bay")
    form = {
        "name": "Bay",
        "type": str(resource.type_id),
        "quantity": "1",
        "opens_at": "20:00",
        "closes_at": "09:00",
        "vehicle_id": "",
        "is_active": "on",
    }

    page = _listed(pages.post(reverse("admin:showroom_resource_change", args=[resource.pk]), form))

    assert "A resource closes after it opens." in page
    resource.refresh_from_db()
    assert resource.opens_at == time(8)
    assert _outbox("resource.updated", resource.pk) == 0


def test_the_test_drive_list_speaks_russian_to_a_russian_browser(admin_user, anna):
    drive_make(anna)
    pages = PageClient(HTTP_ACCEPT_LANGUAGE="ru")
    pages.force_login(admin_user)

    page = _listed(pages.get(reverse("admin:showroom_testdrive_changelist")))

    assert "Тест-драйвы" in page and "Забронирован" in page  # the title, the status
    assert "Отменить выбранные тест-драйвы" in page  # an action
    assert "Booked" not in page and "Cancel the selected test drives" not in page


def test_the_api_refuses_in_russian_when_asked_to(api_client, anna):
    api_client.force_authenticate(anna)
    vehicle_id = uuid.uuid4()
    start = tomorrow_at(10)

    response = api_client.post(
        reverse("showroom-test-drives"),
        {
            "vehicle_id": str(vehicle_id),
            "start_time": start.isoformat(),
            "end_time": (start + timedelta(hours=1)).isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "no_demo_vehicle"  # codes stay English
    assert error["message"] == "Для этого автомобиля нет демонстрационной машины для тест-драйвов."
