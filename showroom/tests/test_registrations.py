"""Seats, the waitlist and its order, on PostgreSQL with committed transactions."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for, run_concurrently
from showroom import services
from showroom.models import OutboxEvent, Registration
from showroom.tests.factories import event_make

pytestmark = pytest.mark.django_db(databases="__all__")


def register(client, event):
    return client.post(reverse("showroom-event-register", args=[event.pk]))


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_fifty_racing_registrations_for_ten_seats_confirm_ten_and_queue_forty_in_order():
    event = event_make(capacity=10)
    callers = iter([client_for(UserFactory(role="client")) for _ in range(50)])

    responses = run_concurrently(50, lambda: register(next(callers), event))

    assert sorted(r.status_code for r in responses) == [201] * 50
    rows = list(Registration.objects.filter(event=event).order_by("position"))
    assert [r.status for r in rows] == ["confirmed"] * 10 + ["waitlisted"] * 40
    assert [r.position for r in rows] == list(range(1, 51))  # the order they took the lock
    created = [r.created_at for r in rows]
    assert created == sorted(created)
    assert OutboxEvent.objects.filter(type="event.registration.created").count() == 50


def test_a_cancellation_promotes_exactly_the_first_on_the_waitlist():
    event = event_make(capacity=1)
    first, second, third = (UserFactory(role="client") for _ in range(3))
    seat = services.registration_create(event_id=event.pk, user=first)
    queued = services.registration_create(event_id=event.pk, user=second)
    later = services.registration_create(event_id=event.pk, user=third)

    services.registration_cancel(registration_id=seat.pk)

    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {seat.pk: "cancelled", queued.pk: "confirmed", later.pk: "waitlisted"}
    assert (
        OutboxEvent.objects.filter(
            type="event.registration.status_changed", aggregate_id=str(queued.pk)
        ).count()
        == 1
    )


def test_without_a_waitlist_a_full_event_refuses_and_one_person_registers_once(customer):
    event = event_make(capacity=1, waitlist_enabled=False)
    client = client_for(customer)

    first = register(client, event)
    again = register(client, event)
    other = register(client_for(UserFactory(role="client")), event)

    assert first.status_code == 201
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_registered")
    assert (other.status_code, other.json()["error"]["code"]) == (409, "event_full")
    assert Registration.objects.count() == 1


def test_registration_closes_when_the_event_begins(customer):
    from datetime import timedelta

    from django.utils import timezone

    event = event_make()
    services.event_update(
        event_id=event.pk,
        start_date=timezone.now() - timedelta(minutes=1),
        end_date=timezone.now() + timedelta(hours=1),
    )

    response = register(client_for(customer), event)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "event_not_open")
    assert not Registration.objects.exists()


def test_a_paid_seat_is_held_and_freed_for_the_waitlist_when_the_hold_expires():
    from datetime import timedelta

    from django.utils import timezone

    event = event_make(capacity=1, price="1500.00")
    holder, waiting = UserFactory(role="client"), UserFactory(role="client")
    held = services.registration_create(event_id=event.pk, user=holder)
    queued = services.registration_create(event_id=event.pk, user=waiting)
    assert (held.status, queued.status) == ("pending_payment", "waitlisted")

    assert services.registrations_expire_holds() == 0  # not yet
    expired = services.registrations_expire_holds(now=timezone.now() + timedelta(hours=1))

    held.refresh_from_db()
    queued.refresh_from_db()
    assert expired == 1
    assert (held.status, queued.status) == ("expired", "pending_payment")
    assert queued.hold_expires_at is not None


def test_clients_see_only_their_registrations_and_published_events(customer, other_customer):
    draft = event_make(status="draft")
    event = event_make()
    mine = services.registration_create(event_id=event.pk, user=customer)
    client = client_for(customer)

    listed = client.get(reverse("showroom-registrations")).json()
    theirs = client_for(other_customer).post(
        reverse("showroom-registration-cancel", args=[mine.pk])
    )
    events = client.get(reverse("showroom-events")).json()

    assert [r["id"] for r in listed["results"]] == [str(mine.pk)]
    assert theirs.status_code == 404
    assert Registration.objects.get().status == "confirmed"
    assert [e["id"] for e in events["results"]] == [str(event.pk)]
    assert client.get(reverse("showroom-event", args=[draft.pk])).status_code == 404


def test_clients_cannot_create_events_or_resources(customer_client):
    event = customer_client.post(
        reverse("showroom-events"),
        {
            "title": "Mine",
            "start_date": "2030-01-01T10:00:00Z",
            "end_date": "2030-01-01T12:00:00Z",
            "capacity": 5,
        },
        format="json",
    )
    resource = customer_client.post(reverse("showroom-resources"), {}, format="json")

    assert (event.status_code, resource.status_code) == (403, 403)


def test_cancelling_an_event_cancels_its_registrations_and_keeps_the_row(manager_client, customer):
    event = event_make()
    registration = services.registration_create(event_id=event.pk, user=customer)

    response = manager_client.post(reverse("showroom-event-cancel", args=[event.pk]))

    registration.refresh_from_db()
    assert response.json()["status"] == "cancelled"
    assert registration.status == "cancelled"
    assert OutboxEvent.objects.filter(type="event.cancelled").count() == 1


def test_names_are_unique_and_references_must_exist_found_by_fuzzing(manager_client):
    first = manager_client.post(reverse("showroom-categories"), {"name": "0"}, format="json")
    again = manager_client.post(reverse("showroom-categories"), {"name": "0"}, format="json")
    event = manager_client.post(
        reverse("showroom-events"),
        {
            "title": "Launch",
            "start_date": "2030-01-01T10:00:00Z",
            "end_date": "2030-01-01T12:00:00Z",
            "capacity": 5,
            "category_id": "00000000-0000-0000-0000-000000000000",
        },
        format="json",
    )
    resource = manager_client.post(
        reverse("showroom-resources"),
        {
            "name": "Bay",
            "type_id": "00000000-0000-0000-0000-000000000000",
            "opens_at": "08:00",
            "closes_at": "20:00",
        },
        format="json",
    )
    offset = manager_client.post(
        reverse("showroom-resources"),
        {
            "name": "Bay",
            "type_id": first.json()["id"],
            "opens_at": "04:40+04:26",
            "closes_at": "20:00",
        },
        format="json",
    )

    assert first.status_code == 201
    assert (again.status_code, again.json()["error"]["code"]) == (409, "name_taken")
    assert (event.status_code, event.json()["error"]["code"]) == (400, "category_not_found")
    assert (resource.status_code, resource.json()["error"]["code"]) == (
        400,
        "resource_type_not_found",
    )
    assert offset.status_code == 400
    assert "opens_at" in offset.json()["error"]["details"]
