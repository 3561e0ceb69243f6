"""A registration's status reaches its owner's open live feed, as an order's does: a real
ASGI server with the Redis channel layer, committed transactions."""

import json

import httpx
import pytest
from websockets.sync.client import connect

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from showroom import services
from showroom.models import Registration
from showroom.tests.factories import event_make

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_a_cancellation_promotes_one_registration_and_its_owner_gets_the_push(server):
    event = event_make(capacity=1)
    holder, waiting = UserFactory(role="client"), UserFactory(role="client")
    seat = services.registration_create(event_id=event.pk, user=holder)
    queued = services.registration_create(event_id=event.pk, user=waiting)
    bearer = {"Authorization": f"Bearer {AccessToken.for_user(waiting)}"}
    ticket = httpx.post(f"{server.url}/api/v1/auth/ws-ticket", headers=bearer).json()["ticket"]

    with connect(f"{server.ws_url}/ws/orders/?ticket={ticket}", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        services.registration_cancel(registration_id=seat.pk)
        push = json.loads(ws.recv(timeout=10))

    assert push["type"] == "event.registration.status_changed"
    assert push["registration"] == {
        "id": str(queued.pk),
        "event_id": str(event.pk),
        "event_title": event.title,
        "user_id": str(waiting.pk),
        "status": "confirmed",
        "position": 2,
        "amount": None,  # a free event
        "currency": "RUB",
    }
    assert Registration.objects.filter(status="confirmed").get().pk == queued.pk


def test_a_booked_then_cancelled_test_drive_is_pushed_to_its_client(server):
    from showroom.tests.factories import resource_make, tomorrow_at

    client = UserFactory(role="client")
    vehicle_id = "0c6f3a1e-4a5e-4a7b-9d8e-1f2a3b4c5d6e"
    resource_make(vehicle_id=vehicle_id)
    bearer = {"Authorization": f"Bearer {AccessToken.for_user(client)}"}
    ticket = httpx.post(f"{server.url}/api/v1/auth/ws-ticket", headers=bearer).json()["ticket"]

    with connect(f"{server.ws_url}/ws/orders/?ticket={ticket}", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        drive = services.test_drive_book(
            user=client, vehicle_id=vehicle_id, start_time=tomorrow_at(10), end_time=tomorrow_at(11)
        )
        booked = json.loads(ws.recv(timeout=10))
        services.test_drive_cancel(test_drive_id=drive.pk)
        cancelled = json.loads(ws.recv(timeout=10))

    assert booked["type"] == cancelled["type"] == "test_drive.status_changed"
    assert (booked["test_drive"]["id"], booked["test_drive"]["status"]) == (str(drive.pk), "booked")
    assert cancelled["test_drive"]["status"] == "cancelled"
