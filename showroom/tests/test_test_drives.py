"""Fair test-drive bookings (docs/api.md, "Test drives"): a limit of active bookings per
person under concurrency, the longest drive and the farthest day ahead, opening hours in the
dealership's time zone, and the outcome staff record once a drive has started."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import browser_for, client_for, run_concurrently
from showroom import services
from showroom.models import Allocation, OutboxEvent, TestDrive
from showroom.tests.factories import (
    drive_make,
    resource_make,
    started_drive_make,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db(databases="__all__")

MOSCOW = ZoneInfo("Europe/Moscow")


def book(client, start, end, vehicle_id=None):
    """A booking through the API of a new demo car (or of `vehicle_id`'s)."""
    if vehicle_id is None:
        vehicle_id = uuid.uuid4()
        resource_make(name=f"Demo {vehicle_id}", vehicle_id=vehicle_id)
    return client.post(
        reverse("showroom-test-drives"),
        {
            "vehicle_id": str(vehicle_id),
            "start_time": start.isoformat(),
            "end_time": end.isoformat(),
        },
        format="json",
    )


def reschedule(client, drive, start, end):
    return client.post(
        reverse("showroom-test-drive-reschedule", args=[drive.pk]),
        {"start_time": start.isoformat(), "end_time": end.isoformat()},
        format="json",
    )


def record_outcome(client, drive, body):
    return client.post(reverse("showroom-test-drive-outcome", args=[drive.pk]), body, format="json")


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def booked_count(user) -> int:
    return TestDrive.objects.filter(user_id=user.pk, status="booked").count()


# THE LIMIT OF ACTIVE BOOKINGS
# ------------------------------------------------------------------------------
def test_a_fourth_active_booking_is_refused(customer):
    mine = client_for(customer)
    first_three = [book(mine, tomorrow_at(h), tomorrow_at(h + 1)) for h in (9, 11, 13)]

    fourth = book(mine, tomorrow_at(15), tomorrow_at(16))

    assert [r.status_code for r in first_three] == [201] * 3
    assert error(fourth) == (409, "test_drive_limit_reached")
    assert fourth.json()["error"]["details"] == {"active": 3, "limit": 3}
    assert booked_count(customer) == 3
    assert Allocation.objects.filter(status="active").count() == 3  # none left behind
    assert OutboxEvent.objects.filter(type="test_drive.booked").count() == 3


def test_another_customers_bookings_do_not_count_against_mine(customer, other_customer):
    for hour in (9, 11, 13):
        drive_make(other_customer, start=tomorrow_at(hour))

    response = book(client_for(customer), tomorrow_at(9), tomorrow_at(10))

    assert response.status_code == 201
    assert booked_count(customer) == 1


def test_cancelled_and_started_drives_leave_room_under_the_limit(customer):
    started_drive_make(customer)
    drives = [drive_make(customer, start=tomorrow_at(h)) for h in (9, 11, 13)]
    services.test_drive_cancel(test_drive_id=drives[0].pk)

    response = book(client_for(customer), tomorrow_at(15), tomorrow_at(16))

    assert response.status_code == 201
    # the one under way and three still to come, the cancelled one aside
    assert booked_count(customer) == 4
    active = TestDrive.objects.filter(
        user_id=customer.pk, status="booked", start_time__gt=timezone.now()
    )
    assert active.count() == 3


def test_the_limit_is_a_setting(customer, settings):
    settings.SHOWROOM_TEST_DRIVE_MAX_ACTIVE = 1
    mine = client_for(customer)

    first = book(mine, tomorrow_at(9), tomorrow_at(10))
    second = book(mine, tomorrow_at(11), tomorrow_at(12))

    assert first.status_code == 201
    assert error(second) == (409, "test_drive_limit_reached")
    assert booked_count(customer) == 1


def test_staff_booking_for_themselves_keep_to_the_same_rules(manager):
    staff = client_for(manager)
    first_three = [book(staff, tomorrow_at(h), tomorrow_at(h + 1)) for h in (9, 11, 13)]

    fourth = book(staff, tomorrow_at(15), tomorrow_at(16))
    too_long = book(staff, tomorrow_at(15), tomorrow_at(18))
    too_far = book(
        staff, tomorrow_at(10) + timedelta(days=30), tomorrow_at(11) + timedelta(days=30)
    )

    assert [r.status_code for r in first_three] == [201] * 3
    assert error(fourth) == (409, "test_drive_limit_reached")
    assert error(too_long) == (400, "test_drive_too_long")
    assert error(too_far) == (400, "test_drive_too_far_ahead")
    assert booked_count(manager) == 3


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_racing_bookings_of_one_customer_never_exceed_the_limit():
    # Given ten demo cars, so that no resource's lock serialises the bookings: only the
    # customer's own lock can.
    customer = UserFactory(role="client")
    vehicle_ids = [uuid.uuid4() for _ in range(10)]
    for vehicle_id in vehicle_ids:
        resource_make(name=f"Demo {vehicle_id}", vehicle_id=vehicle_id)
    vehicles = iter(vehicle_ids)
    mine = client_for(customer)

    responses = run_concurrently(
        10, lambda: book(mine, tomorrow_at(10), tomorrow_at(11), vehicle_id=next(vehicles))
    )

    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 7
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "test_drive_limit_reached"
    }
    assert booked_count(customer) == 3
    assert Allocation.objects.filter(status="active").count() == 3


# LENGTH AND HORIZON
# ------------------------------------------------------------------------------
def test_a_three_hour_drive_is_refused(customer):
    response = book(client_for(customer), tomorrow_at(10), tomorrow_at(13))

    assert error(response) == (400, "test_drive_too_long")
    assert "end_time" in response.json()["error"]["details"]
    assert not TestDrive.objects.exists()
    assert not Allocation.objects.exists()


def test_a_two_hour_drive_is_accepted(customer):
    response = book(client_for(customer), tomorrow_at(10), tomorrow_at(12))

    assert response.status_code == 201
    assert booked_count(customer) == 1


def test_a_drive_thirty_one_days_ahead_is_refused(customer):
    day = timezone.localdate() + timedelta(days=31)
    start = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())

    response = book(client_for(customer), start, start + timedelta(hours=1))

    assert error(response) == (400, "test_drive_too_far_ahead")
    assert "start_time" in response.json()["error"]["details"]
    assert not TestDrive.objects.exists()
    assert not Allocation.objects.exists()


def test_a_drive_on_the_thirtieth_day_ahead_is_accepted(customer):
    day = timezone.localdate() + timedelta(days=30)
    start = datetime.combine(day, time(19), tzinfo=timezone.get_current_timezone())

    response = book(client_for(customer), start, start + timedelta(hours=1))

    assert response.status_code == 201
    assert TestDrive.objects.get(user_id=customer.pk).start_time == start


def test_rescheduling_keeps_to_the_length_and_the_horizon(customer):
    drive = drive_make(customer, start=tomorrow_at(10))
    mine = client_for(customer)
    far = tomorrow_at(10) + timedelta(days=31)

    too_long = reschedule(mine, drive, tomorrow_at(12), tomorrow_at(15))
    too_far = reschedule(mine, drive, far, far + timedelta(hours=1))

    assert error(too_long) == (400, "test_drive_too_long")
    assert "end_time" in too_long.json()["error"]["details"]
    assert error(too_far) == (400, "test_drive_too_far_ahead")
    assert "start_time" in too_far.json()["error"]["details"]
    unchanged = TestDrive.objects.get(pk=drive.pk)
    assert (unchanged.start_time, unchanged.end_time) == (tomorrow_at(10), tomorrow_at(11))
    assert unchanged.allocation_id == drive.allocation_id
    assert Allocation.objects.get(pk=drive.allocation_id).status == "active"
    assert not OutboxEvent.objects.filter(type="test_drive.rescheduled").exists()


def test_rescheduling_at_the_limit_does_not_count_the_drive_moved(customer):
    drives = [drive_make(customer, start=tomorrow_at(h)) for h in (9, 11, 13)]

    moved = reschedule(client_for(customer), drives[0], tomorrow_at(15), tomorrow_at(17))

    assert moved.status_code == 200
    assert TestDrive.objects.get(pk=drives[0].pk).start_time == tomorrow_at(15)


def test_a_started_drive_moved_back_into_the_future_counts_against_the_limit(customer):
    under_way = started_drive_make(customer)
    for hour in (9, 11, 13):
        drive_make(customer, start=tomorrow_at(hour))

    moved = reschedule(client_for(customer), under_way, tomorrow_at(15), tomorrow_at(16))

    assert error(moved) == (409, "test_drive_limit_reached")
    assert TestDrive.objects.get(pk=under_way.pk).start_time == under_way.start_time


# OPENING HOURS IN THE DEALERSHIP'S TIME ZONE
# ------------------------------------------------------------------------------
def moscow_in_two_days(hour: int, minute: int) -> datetime:
    """A wall-clock time in Moscow two Moscow days from now, written in UTC: the request
    says nothing of Moscow, and the UTC date may differ from Moscow's at this moment."""
    day = timezone.localdate(timezone.now(), MOSCOW) + timedelta(days=2)
    return datetime.combine(day, time(hour, minute), tzinfo=MOSCOW).astimezone(ZoneInfo("UTC"))


def test_opening_hours_are_read_in_moscow_time_whatever_the_utc_clock_says(customer):
    vehicle_id = uuid.uuid4()
    resource_make(vehicle_id=vehicle_id, opens_at=time(9))
    mine = client_for(customer)
    half_past_nine = moscow_in_two_days(9, 30)
    half_past_eight = moscow_in_two_days(8, 30)

    accepted = book(mine, half_past_nine, half_past_nine + timedelta(hours=1), vehicle_id)
    refused = book(mine, half_past_eight, half_past_eight + timedelta(hours=1), vehicle_id)

    assert half_past_nine.strftime("%H:%M") == "06:30"  # in UTC, before the opening hour
    assert accepted.status_code == 201
    assert (
        accepted.json()["start_time"]
        == f"{half_past_nine.astimezone(MOSCOW):%Y-%m-%d}T09:30:00+03:00"
    )
    assert error(refused) == (400, "allocation_invalid")
    assert "Europe/Moscow" in refused.json()["error"]["message"]
    drive = TestDrive.objects.get(user_id=customer.pk)
    assert drive.start_time == half_past_nine
    assert Allocation.objects.filter(status="active").count() == 1


def test_a_drive_just_after_moscow_midnight_is_on_moscows_day_not_the_utc_one(customer):
    vehicle_id = uuid.uuid4()
    resource_make(vehicle_id=vehicle_id, opens_at=time(0))  # open 00:00-20:00 in Moscow
    half_past_midnight = moscow_in_two_days(0, 30)

    response = book(
        client_for(customer),
        half_past_midnight,
        half_past_midnight + timedelta(hours=1),
        vehicle_id,
    )

    # 21:30 the day before in UTC: after closing time, had the hours been read in UTC
    assert half_past_midnight.strftime("%H:%M") == "21:30"
    assert response.status_code == 201
    assert TestDrive.objects.get(user_id=customer.pk).start_time == half_past_midnight


def test_the_dealerships_time_zone_is_a_setting(customer, settings):
    settings.DEALERSHIP_TIME_ZONE = "UTC"
    vehicle_id = uuid.uuid4()
    resource_make(vehicle_id=vehicle_id, opens_at=time(9))
    half_past_nine_moscow = moscow_in_two_days(9, 30)  # 06:30 in UTC: before opening there

    response = book(
        client_for(customer),
        half_past_nine_moscow,
        half_past_nine_moscow + timedelta(hours=1),
        vehicle_id,
    )

    assert error(response) == (400, "allocation_invalid")
    assert not TestDrive.objects.exists()


# THE OUTCOME
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", ["completed", "no_show"])
def test_staff_record_how_a_started_drive_went(customer, manager, outcome):
    drive = started_drive_make(customer)

    response = record_outcome(
        client_for(manager), drive, {"outcome": outcome, "note": "Keys back at 12:40"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome_note"]) == (
        outcome,
        "Keys back at 12:40",
    )
    drive.refresh_from_db()
    assert (drive.status, drive.outcome_note, drive.outcome_by_id) == (
        outcome,
        "Keys back at 12:40",
        manager.pk,
    )
    assert Allocation.objects.get(pk=drive.allocation_id).status == "active"  # the time was kept
    event = OutboxEvent.objects.get(type="test_drive.status_changed")
    assert event.aggregate_id == str(drive.pk)
    assert event.payload["status"] == outcome
    assert event.payload["user_id"] == str(customer.pk)


def test_the_note_is_optional(customer, manager):
    drive = started_drive_make(customer)

    response = record_outcome(client_for(manager), drive, {"outcome": "completed"})

    assert response.status_code == 200
    drive.refresh_from_db()
    assert (drive.status, drive.outcome_note) == ("completed", "")


def test_an_outcome_before_the_drive_starts_is_refused(customer, manager):
    drive = drive_make(customer, start=tomorrow_at(10))

    response = record_outcome(client_for(manager), drive, {"outcome": "no_show"})

    assert error(response) == (409, "test_drive_not_started")
    drive.refresh_from_db()
    assert (drive.status, drive.outcome_by_id) == ("booked", None)
    assert not OutboxEvent.objects.filter(type="test_drive.status_changed").exists()


def test_an_outcome_is_recorded_once_and_never_for_a_cancelled_drive(customer, manager):
    done = started_drive_make(customer)
    cancelled = started_drive_make(customer)
    services.test_drive_cancel(test_drive_id=cancelled.pk)
    staff = client_for(manager)
    assert record_outcome(staff, done, {"outcome": "completed"}).status_code == 200

    again = record_outcome(staff, done, {"outcome": "no_show"})
    after_cancel = record_outcome(staff, cancelled, {"outcome": "completed"})

    assert error(again) == (409, "test_drive_not_changeable")
    assert error(after_cancel) == (409, "test_drive_not_changeable")
    assert TestDrive.objects.get(pk=done.pk).status == "completed"
    assert TestDrive.objects.get(pk=cancelled.pk).status == "cancelled"
    assert OutboxEvent.objects.filter(type="test_drive.status_changed").count() == 1


def test_an_outcome_other_than_completed_or_no_show_is_a_validation_error(customer, manager):
    drive = started_drive_make(customer)

    response = record_outcome(client_for(manager), drive, {"outcome": "cancelled"})

    assert error(response) == (400, "validation_error")
    assert "outcome" in response.json()["error"]["details"]
    assert TestDrive.objects.get(pk=drive.pk).status == "booked"


def test_a_client_may_not_record_the_outcome_of_their_own_drive(customer):
    drive = started_drive_make(customer)

    response = record_outcome(client_for(customer), drive, {"outcome": "completed"})

    assert error(response) == (403, "permission_denied")
    assert TestDrive.objects.get(pk=drive.pk).status == "booked"


def test_the_admin_marks_started_drives_no_show_and_leaves_those_to_come(customer, manager):
    under_way = started_drive_make(customer)
    to_come = drive_make(customer, start=tomorrow_at(10))

    response = browser_for(manager).post(
        reverse("admin:showroom_testdrive_changelist"),
        {
            "action": "marked_no_show",
            helpers.ACTION_CHECKBOX_NAME: [str(under_way.pk), str(to_come.pk)],
            "index": 0,
        },
    )

    assert response.status_code == 302
    under_way.refresh_from_db()
    assert (under_way.status, under_way.outcome_by_id) == ("no_show", manager.pk)
    assert TestDrive.objects.get(pk=to_come.pk).status == "booked"  # not started: refused
    assert OutboxEvent.objects.filter(type="test_drive.status_changed").count() == 1
