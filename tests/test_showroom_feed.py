"""A registration's status reaches its owner's open live feed, as an order's does: a real
ASGI server with the Redis channel layer, committed transactions."""

import json

import httpx
import pytest
from rest_framework_simplejwt.tokens import AccessToken
from websockets.sync.client import connect

from accounts.tests.factories import UserFactory
from showroom import services
from showroom.models import Registration
from showroom.tests.factories import event_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]


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
        "user_id": str(waiting.pk),
        "status": "confirmed",
        "position": 2,
    }
    assert Registration.objects.filter(status="confirmed").get().pk == queued.pk
