"""The free test-drive slots of a vehicle on a day (docs/api.md, "Test drives"): exactly the
slots a booking takes, so a taken slot, one outside the demo car's hours, one begun or past
the horizon is never offered; and the admin records how a drive went, newest first."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from conftest import browser_for, client_for
from showroom import services
from showroom.tests.factories import (
    drive_make,
    resource_make,
    started_drive_make,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db(databases="__all__")
SLOTS = "/api/v1/showroom/test-drives/slots"


def slots(user, vehicle_id, day) -> list[tuple[str, str]]:
    response = client_for(user).get(SLOTS, {"product_id": str(vehicle_id), "date": str(day)})
    assert response.status_code == 200, response.json()
    return [(slot["start_time"], slot["end_time"]) for slot in response.json()["slots"]]


def test_the_free_slots_are_those_a_booking_takes(customer):
    vehicle = uuid.uuid4()
    resource_make(name="Demo Camry", vehicle_id=vehicle)  # 08:00 to 20:00, one car
    day = tomorrow_at(10).date()
    services.test_drive_book(
        user=customer, vehicle_id=vehicle, start_time=tomorrow_at(10), end_time=tomorrow_at(11)
    )

    offered = slots(customer, vehicle, day)

    hours = [timezone.localtime(timezone.datetime.fromisoformat(s)).hour for s, _ in offered]
    assert hours == [8, 9, *range(11, 20)]  # 10:00 is taken, 20:00 is closing time
    # Every slot offered books; the taken one and one outside the hours do not.
    start, end = (timezone.datetime.fromisoformat(t) for t in offered[0])
    booked = services.test_drive_book(
        user=customer, vehicle_id=vehicle, start_time=start, end_time=end
    )
    assert booked.status == "booked"
    assert (start.hour, end.hour) not in [
        (timezone.datetime.fromisoformat(s).hour, 0) for s, _ in slots(customer, vehicle, day)
    ]
    assert len(slots(customer, vehicle, day)) == len(offered) - 1
    for refused_start in (tomorrow_at(10), tomorrow_at(20), tomorrow_at(7)):
        with pytest.raises(Exception):  # noqa: B017 (taken, closed: the service's own refusals)
            services.test_drive_book(
                user=customer,
                vehicle_id=vehicle,
                start_time=refused_start,
                end_time=refused_start + timedelta(hours=1),
            )


def test_no_slot_is_offered_today_once_begun_nor_past_the_horizon(customer, settings):
    vehicle = uuid.uuid4()
    resource_make(name="Demo Vesta", vehicle_id=vehicle)
    far = timezone.localdate() + timedelta(days=settings.SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD + 1)

    assert slots(customer, vehicle, far) == []
    now = timezone.localtime()
    today = [timezone.datetime.fromisoformat(s) for s, _ in slots(customer, vehicle, now.date())]
    assert all(start > now for start in today)


def test_a_vehicle_without_a_demo_car_and_a_bad_query_are_refused(customer):
    no_car = client_for(customer).get(
        SLOTS, {"product_id": str(uuid.uuid4()), "date": "2026-12-01"}
    )
    assert (no_car.status_code, no_car.json()["error"]["code"]) == (409, "no_demo_vehicle")
    unknown = client_for(customer).get(SLOTS, {"product_id": "x", "colour": "red"})
    assert (unknown.status_code, set(unknown.json()["error"]["details"])) == (400, {"colour"})
    bad = client_for(customer).get(SLOTS, {"product_id": "x", "date": "someday"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) == {"product_id", "date"}


def test_the_admin_records_how_a_drive_went_and_lists_the_newest_first(manager, customer):
    drive = started_drive_make(customer)

    response = browser_for(manager).post(
        reverse("admin:showroom_testdrive_changelist"),
        {
            "action": "completed",
            helpers.ACTION_CHECKBOX_NAME: [str(drive.pk)],
            "reason": "Понравилась, ждёт предложение по трейд-ину",  # the outcome note
            "apply": "yes",
        },
    )

    assert response.status_code == 302
    drive.refresh_from_db()
    assert (drive.status, drive.outcome_note, drive.outcome_by_id) == (
        "completed",
        "Понравилась, ждёт предложение по трейд-ину",
        manager.pk,
    )
    later = drive_make(customer, start=tomorrow_at(15))
    listing = browser_for(manager).get(reverse("admin:showroom_testdrive_changelist"))
    assert [row.pk for row in listing.context["cl"].result_list][:2] == [later.pk, drive.pk]
