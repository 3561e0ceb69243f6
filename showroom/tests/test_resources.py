"""Resources managed over the API (specification 003): detail for the signed-in, update,
deactivation and deletion for staff, each with its event; a resource with bookings still to
come is not deleted (docs/api.md, "Resources")."""

from datetime import time, timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import browser_for, client_for, run_concurrently
from showroom import services
from showroom.models import Allocation, OutboxEvent, Resource
from showroom.tests.factories import resource_make, tomorrow_at

pytestmark = pytest.mark.django_db(databases="__all__")


def detail(resource) -> str:
    return reverse("showroom-resource", args=[resource.pk])


def events_of(resource, type: str) -> list[dict]:
    return [
        event.payload
        for event in OutboxEvent.objects.filter(type=type, aggregate_id=str(resource.pk))
    ]


def test_creating_a_resource_emits_resource_created_with_it(manager_client):
    kind = services.resource_type_create(name="Demo cars")

    response = manager_client.post(
        reverse("showroom-resources"),
        {
            "name": "Demo crossover",
            "type_id": str(kind.pk),
            "opens_at": "09:00",
            "closes_at": "19:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    resource = Resource.objects.get(name="Demo crossover")
    [payload] = events_of(resource, "resource.created")
    assert payload["type_id"] == str(kind.pk)
    assert (payload["opens_at"], payload["closes_at"], payload["quantity"]) == (
        "09:00:00",
        "19:00:00",
        1,
    )
    assert payload["is_active"] is True


def test_a_signed_in_client_reads_an_active_resource_but_cannot_change_or_delete_it():
    resource = resource_make(name="Demo car")
    client = client_for(UserFactory(role="client"))

    read = client.get(detail(resource))
    changed = client.patch(detail(resource), {"name": "Mine"}, format="json")
    deleted = client.delete(detail(resource))

    assert read.status_code == 200
    assert read.json()["name"] == "Demo car"
    assert (changed.status_code, deleted.status_code) == (403, 403)
    stored = Resource.objects.get(pk=resource.pk)
    assert (stored.name, stored.is_active, stored.deleted_at) == ("Demo car", True, None)
    assert not events_of(resource, "resource.updated")
    assert not events_of(resource, "resource.deleted")


def test_staff_change_a_resources_details_and_resource_updated_carries_them(manager_client):
    resource = resource_make(name="Demo car", quantity=1)

    response = manager_client.patch(
        detail(resource),
        {"name": "Delivery bays", "quantity": 3, "closes_at": "21:30"},
        format="json",
    )

    assert response.status_code == 200, response.content
    stored = Resource.objects.get(pk=resource.pk)
    assert (stored.name, stored.quantity, stored.closes_at) == ("Delivery bays", 3, time(21, 30))
    assert stored.opens_at == time(8)  # what was not sent stays
    [payload] = events_of(resource, "resource.updated")
    assert (payload["name"], payload["quantity"], payload["closes_at"]) == (
        "Delivery bays",
        3,
        "21:30:00",
    )


def test_put_replaces_every_detail_of_a_resource(manager_client):
    resource = resource_make(name="Demo car", quantity=2)
    kind = services.resource_type_create(name="Meeting rooms")

    response = manager_client.put(
        detail(resource),
        {"name": "Room A", "type_id": str(kind.pk), "opens_at": "10:00", "closes_at": "18:00"},
        format="json",
    )

    assert response.status_code == 200, response.content
    stored = Resource.objects.get(pk=resource.pk)
    assert (stored.name, stored.type_id, stored.quantity, stored.opens_at) == (
        "Room A",
        kind.pk,
        1,
        time(10),
    )
    assert len(events_of(resource, "resource.updated")) == 1


def test_hours_that_end_up_closing_before_opening_are_refused_and_change_nothing(
    manager_client,
):
    resource = resource_make(name="Demo car")  # 08:00 to 20:00

    response = manager_client.patch(detail(resource), {"opens_at": "20:30"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"closes_at"}
    assert Resource.objects.get(pk=resource.pk).opens_at == time(8)
    assert not events_of(resource, "resource.updated")


def test_the_quantity_cannot_go_below_what_bookings_still_to_come_use_at_once(manager_client):
    bays = resource_make(name="Bays", quantity=3)
    for _ in range(2):
        services.allocation_create(
            resource_id=bays.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10), quantity=1
        )

    refused = manager_client.patch(detail(bays), {"quantity": 1}, format="json")
    accepted = manager_client.patch(detail(bays), {"quantity": 2}, format="json")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "resource_in_use"
    assert refused.json()["error"]["details"] == {"quantity": ["At least 2."]}
    assert accepted.status_code == 200
    assert Resource.objects.get(pk=bays.pk).quantity == 2
    assert [payload["quantity"] for payload in events_of(bays, "resource.updated")] == [2]


def test_a_deactivated_resource_takes_no_new_booking_nor_test_drive_but_keeps_its_own(
    manager_client,
):
    vehicle_id = "11111111-1111-4111-8111-111111111111"
    car = resource_make(name="Demo car", vehicle_id=vehicle_id)
    kept = services.allocation_create(
        resource_id=car.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10)
    )

    response = manager_client.patch(detail(car), {"is_active": False}, format="json")
    booking = manager_client.post(
        reverse("showroom-resource-allocate", args=[car.pk]),
        {"start_time": tomorrow_at(11).isoformat(), "end_time": tomorrow_at(12).isoformat()},
        format="json",
    )
    drive = client_for(UserFactory(role="client")).post(
        reverse("showroom-test-drives"),
        {
            "vehicle_id": vehicle_id,
            "start_time": tomorrow_at(13).isoformat(),
            "end_time": tomorrow_at(14).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert Resource.objects.get(pk=car.pk).is_active is False
    [payload] = events_of(car, "resource.updated")
    assert payload["is_active"] is False
    assert (booking.status_code, booking.json()["error"]["code"]) == (409, "resource_inactive")
    assert (drive.status_code, drive.json()["error"]["code"]) == (409, "no_demo_vehicle")
    assert list(Allocation.objects.filter(resource=car).values_list("pk", "status")) == [
        (kept.pk, "active")
    ]


def test_a_deactivated_resource_is_hidden_from_clients_and_shown_to_staff(manager_client):
    resource = resource_make(name="Demo car")
    services.resource_update(resource_id=resource.pk, is_active=False)
    client = client_for(UserFactory(role="client"))

    assert client.get(detail(resource)).status_code == 404
    assert client.get(reverse("showroom-resources")).json()["results"] == []
    assert manager_client.get(detail(resource)).json()["is_active"] is False
    staff_list = manager_client.get(reverse("showroom-resources")).json()["results"]
    assert [row["id"] for row in staff_list] == [str(resource.pk)]


def test_activating_a_resource_again_lets_it_be_booked(manager_client):
    resource = resource_make(name="Demo car")
    services.resource_update(resource_id=resource.pk, is_active=False)

    manager_client.patch(detail(resource), {"is_active": True}, format="json")
    booking = manager_client.post(
        reverse("showroom-resource-allocate", args=[resource.pk]),
        {"start_time": tomorrow_at(11).isoformat(), "end_time": tomorrow_at(12).isoformat()},
        format="json",
    )

    assert booking.status_code == 201, booking.content
    assert Allocation.objects.filter(resource=resource, status="active").count() == 1
    assert [p["is_active"] for p in events_of(resource, "resource.updated")] == [False, True]


def test_deleting_a_resource_with_no_booking_to_come_removes_it_and_emits_resource_deleted(
    manager_client,
):
    resource = resource_make(name="Demo car")
    past = services.allocation_create(
        resource_id=resource.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10)
    )
    Allocation.objects.filter(pk=past.pk).update(  # a booking that has taken place
        start_time=past.start_time - timedelta(days=3), end_time=past.end_time - timedelta(days=3)
    )

    response = manager_client.delete(detail(resource))

    assert response.status_code == 204
    stored = Resource.objects.get(pk=resource.pk)  # kept for its past bookings
    assert stored.is_active is False and stored.deleted_at is not None
    assert Allocation.objects.get(pk=past.pk).resource_id == resource.pk
    assert manager_client.get(detail(resource)).status_code == 404
    assert manager_client.delete(detail(resource)).status_code == 404
    assert manager_client.get(reverse("showroom-resources")).json()["results"] == []
    [payload] = events_of(resource, "resource.deleted")
    assert (payload["id"], payload["is_active"]) == (str(resource.pk), False)


def test_a_resource_with_bookings_still_to_come_is_not_deleted(manager_client):
    resource = resource_make(name="Demo car")
    services.allocation_create(
        resource_id=resource.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10)
    )
    released = services.allocation_create(
        resource_id=resource.pk, start_time=tomorrow_at(11), end_time=tomorrow_at(12)
    )
    services.allocation_release(allocation_id=released.pk)  # a released one does not count

    response = manager_client.delete(detail(resource))

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("resource_in_use", {"future_allocations": 1})
    stored = Resource.objects.get(pk=resource.pk)
    assert (stored.is_active, stored.deleted_at) == (True, None)
    assert Allocation.objects.filter(resource=resource, status="active").count() == 1
    assert not events_of(resource, "resource.deleted")


# THE ADMIN
# ------------------------------------------------------------------------------
def test_a_manager_edits_a_resource_in_the_admin_through_the_service(manager):
    resource = resource_make(name="Demo car")

    response = browser_for(manager).post(
        reverse("admin:showroom_resource_change", args=[resource.pk]),
        {
            "name": "Demo car",
            "type": str(resource.type_id),
            "quantity": 1,
            "opens_at": "08:00:00",
            "closes_at": "20:00:00",
            "vehicle_id": "",
            # is_active left out: unticked
        },
    )

    assert response.status_code == 302, response.content[:500]
    assert Resource.objects.get(pk=resource.pk).is_active is False
    [payload] = events_of(resource, "resource.updated")
    assert payload["is_active"] is False


def test_the_admins_delete_action_deletes_only_resources_with_no_booking_to_come(manager):
    idle, booked = resource_make(name="Idle room"), resource_make(name="Booked room")
    services.allocation_create(
        resource_id=booked.pk, start_time=tomorrow_at(9), end_time=tomorrow_at(10)
    )

    response = browser_for(manager).post(
        reverse("admin:showroom_resource_changelist"),
        {
            "action": "deleted",
            helpers.ACTION_CHECKBOX_NAME: [str(idle.pk), str(booked.pk)],
            "index": 0,
        },
    )

    assert response.status_code == 302
    assert Resource.objects.get(pk=idle.pk).deleted_at is not None
    assert Resource.objects.get(pk=booked.pk).deleted_at is None
    assert len(events_of(idle, "resource.deleted")) == 1
    assert not events_of(booked, "resource.deleted")


def test_a_manager_adds_a_resource_in_the_admin_and_resource_created_goes_out(manager):
    kind = services.resource_type_create(name="Rooms")

    response = browser_for(manager).post(
        reverse("admin:showroom_resource_add"),
        {
            "name": "Room B",
            "type": str(kind.pk),
            "quantity": 2,
            "opens_at": "09:00:00",
            "closes_at": "18:00:00",
            "vehicle_id": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content[:500]
    resource = Resource.objects.get(name="Room B")
    assert (resource.type_id, resource.quantity, resource.is_active) == (kind.pk, 2, True)
    assert len(events_of(resource, "resource.created")) == 1


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_deletion_racing_bookings_either_counts_them_or_leaves_none_made_after_it():
    resource = resource_make(name="Bays", quantity=10)
    manager = client_for(UserFactory(role="manager"))
    calls = iter(["delete"] + ["book"] * 9)

    def act():
        if next(calls) == "delete":
            return "delete", manager.delete(detail(resource))
        return "book", manager.post(
            reverse("showroom-resource-allocate", args=[resource.pk]),
            {"start_time": tomorrow_at(9).isoformat(), "end_time": tomorrow_at(10).isoformat()},
            format="json",
        )

    results = run_concurrently(10, act)

    [deletion] = [response for kind, response in results if kind == "delete"]
    booked = [response for kind, response in results if kind == "book"]
    made = Allocation.objects.filter(resource=resource, status="active").count()
    assert made == sum(response.status_code == 201 for response in booked)
    assert {response.status_code for response in booked} <= {201, 404}
    stored = Resource.objects.get(pk=resource.pk)
    if made:  # a booking came first: the deletion saw it and refused
        assert deletion.status_code == 409
        assert stored.deleted_at is None
    else:
        assert deletion.status_code == 204
        assert stored.deleted_at is not None
