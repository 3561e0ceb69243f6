"""Time slots of resources: never more overlapping than a resource has, under concurrency,
and for a resource of one, refused by PostgreSQL itself."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for, run_concurrently
from showroom import services
from showroom.models import Allocation, TestDrive
from showroom.tests.factories import resource_make, tomorrow_at

pytestmark = pytest.mark.django_db(databases="__all__")


def allocate(client, resource, start, end, quantity=1):
    return client.post(
        reverse("showroom-resource-allocate", args=[resource.pk]),
        {"start_time": start.isoformat(), "end_time": end.isoformat(), "quantity": quantity},
        format="json",
    )


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_thirty_racing_bookings_of_one_demo_car_for_overlapping_slots_give_exactly_one():
    car = resource_make()
    manager = client_for(UserFactory(role="manager"))
    slots = iter(range(30))

    def book():
        offset = timedelta(minutes=next(slots))  # every slot overlaps every other
        return allocate(manager, car, tomorrow_at(10) + offset, tomorrow_at(11) + offset)

    responses = run_concurrently(30, book)

    assert sorted(r.status_code for r in responses) == [201] + [409] * 29
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "resource_unavailable"
    }
    assert Allocation.objects.filter(status="active").count() == 1


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_resource_of_three_takes_at_most_three_overlapping_bookings_under_concurrency():
    bays = resource_make(name="Delivery bays", quantity=3)
    manager = client_for(UserFactory(role="manager"))

    responses = run_concurrently(
        10, lambda: allocate(manager, bays, tomorrow_at(9), tomorrow_at(12))
    )

    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 7
    assert Allocation.objects.filter(status="active").count() == 3


def test_slots_that_do_not_overlap_all_succeed(manager_client):
    car = resource_make()

    responses = [
        allocate(manager_client, car, tomorrow_at(hour), tomorrow_at(hour + 1))
        for hour in range(9, 15)
    ]

    assert [r.status_code for r in responses] == [201] * 6
    assert Allocation.objects.filter(status="active").count() == 6


def test_the_peak_not_the_sum_of_overlapping_bookings_counts(manager_client):
    rooms = resource_make(name="Meeting rooms", quantity=2)
    for start, end in ((9, 11), (11, 13)):  # back to back: never two at once
        assert (
            allocate(manager_client, rooms, tomorrow_at(start), tomorrow_at(end)).status_code == 201
        )

    spanning = allocate(manager_client, rooms, tomorrow_at(10), tomorrow_at(12))
    third = allocate(manager_client, rooms, tomorrow_at(10, 30), tomorrow_at(11, 30))

    assert spanning.status_code == 201
    assert third.status_code == 409


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_database_refuses_an_overlapping_row_written_past_the_service():
    car = resource_make()
    services.allocation_create(
        resource_id=car.pk, start_time=tomorrow_at(10), end_time=tomorrow_at(11)
    )

    with pytest.raises(IntegrityError), transaction.atomic(using="showroom"):
        Allocation.objects.create(
            resource=car,
            start_time=tomorrow_at(10, 30),
            end_time=tomorrow_at(11, 30),
            exclusive=True,
        )

    assert Allocation.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (lambda: tomorrow_at(11), lambda: tomorrow_at(10)),  # ends before it starts
        (lambda: tomorrow_at(6), lambda: tomorrow_at(9)),  # before opening
        (lambda: tomorrow_at(19), lambda: tomorrow_at(21)),  # after closing
        (lambda: tomorrow_at(10) - timedelta(days=2), lambda: tomorrow_at(11) - timedelta(days=2)),
    ],
)
def test_a_slot_outside_hours_backwards_or_past_is_refused_clearly(manager_client, start, end):
    car = resource_make()

    response = allocate(manager_client, car, start(), end())

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "allocation_invalid"
    assert not Allocation.objects.exists()


def test_a_client_books_reschedules_and_cancels_a_test_drive_and_sees_only_their_own(
    customer, other_customer
):
    vehicle_id = "6b1f0d38-6d4f-4b5e-9b57-4c7a3f2f9a10"
    car = resource_make(vehicle_id=vehicle_id)
    mine, theirs = client_for(customer), client_for(other_customer)
    slot = {"start_time": tomorrow_at(10).isoformat(), "end_time": tomorrow_at(11).isoformat()}

    booked = mine.post(
        reverse("showroom-test-drives"), {"vehicle_id": vehicle_id, **slot}, format="json"
    )
    double = theirs.post(
        reverse("showroom-test-drives"), {"vehicle_id": vehicle_id, **slot}, format="json"
    )
    drive_id = booked.json()["id"]
    moved = mine.post(
        reverse("showroom-test-drive-reschedule", args=[drive_id]),
        {"start_time": tomorrow_at(12).isoformat(), "end_time": tomorrow_at(13).isoformat()},
        format="json",
    )
    foreign = theirs.post(reverse("showroom-test-drive-cancel", args=[drive_id]))
    taken_by_other = theirs.post(
        reverse("showroom-test-drives"), {"vehicle_id": vehicle_id, **slot}, format="json"
    )
    allocations_seen = theirs.get(reverse("showroom-allocations")).json()

    assert booked.status_code == 201
    assert (double.status_code, double.json()["error"]["code"]) == (409, "resource_unavailable")
    assert moved.status_code == 200 and moved.json()["start_time"].startswith(
        tomorrow_at(12).isoformat()[:16]
    )
    assert foreign.status_code == 404
    assert taken_by_other.status_code == 201  # the old slot was given back
    assert len(allocations_seen["results"]) == 1  # only the other client's own
    assert TestDrive.objects.get(pk=drive_id).status == "booked"
    active = Allocation.objects.filter(status="active", resource=car).count()
    assert active == 2

    cancelled = mine.post(reverse("showroom-test-drive-cancel", args=[drive_id]))

    assert cancelled.json()["status"] == "cancelled"
    assert Allocation.objects.filter(status="active", resource=car).count() == 1
