"""The feed's consumer hands channel-layer pushes to their handlers without Channels' hop to
the database thread (orders/consumers.py, `dispatch`): a subscriber receives exactly what it
received through Channels' own dispatch, through the Redis channel layer, with everything
committed."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels import consumer as channels_consumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

from accounts import services as accounts_services
from accounts.realtime import TicketAuthMiddleware
from accounts.tests.factories import UserFactory
from common.realtime import CLOSE_UNAUTHENTICATED, FEED_PUSH, SESSION_CLOSE, group_send, user_group
from orders import realtime
from orders import services as orders_services
from orders.consumers import OrderFeedConsumer
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


class StockDispatchConsumer(OrderFeedConsumer):
    """The feed as it was: every message through Channels' own `dispatch`."""

    dispatch = AsyncJsonWebsocketConsumer.dispatch


def application(consumer):
    return TicketAuthMiddleware(URLRouter([path("ws/orders/<uuid:order_id>/", consumer.as_asgi())]))


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    """The message types for which Channels closed stale connections in its thread."""
    seen: list[str] = []
    original = channels_consumer.aclose_old_connections

    async def counted():
        seen.append("hop")
        return await original()

    monkeypatch.setattr(channels_consumer, "aclose_old_connections", counted)
    return seen


def subscriber_sees(consumer, hops: list[str]) -> dict:
    """A customer subscribes to a paid order of its own; a manager moves it to processing,
    a push for the customer's feeds and a revocation follow. What the socket received, how
    it closed, and how many thread hops the pushes took."""
    customer = UserFactory.create(email=f"feed-{consumer.__name__.lower()}@example.com")
    manager = UserFactory.create(
        email=f"manager-{consumer.__name__.lower()}@example.com", role="manager"
    )
    order = order_make(customer, (product_make(price="100.00"), 1))
    order = orders_services.order_paid_amount_set(
        order_id=order.pk, paid_amount=order.total_amount, version=1
    )
    ticket = accounts_services.ws_ticket_issue(user=customer)["ticket"]

    async def scenario() -> dict:
        # The ASGI messages of a WebSocket, as uvicorn sends them (channels.testing needs
        # daphne, which the project does not install).
        scope = {
            "type": "websocket",
            "path": f"/ws/orders/{order.pk}/",
            "query_string": f"ticket={ticket}".encode(),
            "headers": [],
            "subprotocols": [],
        }
        communicator = ApplicationCommunicator(application(consumer), scope)
        await communicator.send_input({"type": "websocket.connect"})
        assert (await communicator.receive_output(timeout=10))["type"] == "websocket.accept"

        async def receive_json() -> dict:
            message = await communicator.receive_output(timeout=10)
            assert message["type"] == "websocket.send", message
            return json.loads(message["text"])

        received = [await receive_json()]
        hops_before_pushes = len(hops)
        await sync_status_set()
        received.append(await receive_json())
        await sync_send([user_group(customer.pk)], {"type": FEED_PUSH, "push": USER_PUSH})
        received.append(await receive_json())
        await sync_send([user_group(customer.pk)], {"type": SESSION_CLOSE, "reason": "test"})
        closing = await communicator.receive_output(timeout=10)
        pushes_hops = len(hops) - hops_before_pushes
        await communicator.wait()
        return {"received": received, "closing": closing, "hops": pushes_hops}

    sync_status_set = sync_to_async(
        lambda: orders_services.order_status_set(
            order_id=order.pk, status="processing", user=manager
        )
    )
    sync_send = sync_to_async(group_send)
    seen = async_to_sync(scenario)()
    order.refresh_from_db()
    seen["order"] = realtime.order_live(order)
    return seen


USER_PUSH = {"type": "registration.status_changed", "status": "confirmed"}


def _without_identity(seen: dict) -> list:
    """What the socket received, less what differs between two customers' orders."""
    stable = json.loads(json.dumps(seen["received"]))
    identity = ("id", "customer_id", "customer_email", "customer_name", "created_at", "updated_at")
    for message in stable:
        for field in identity if "order" in message else ():
            del message["order"][field]
    return stable


def test_a_subscriber_receives_what_channels_own_dispatch_delivered(hops):
    fast = subscriber_sees(OrderFeedConsumer, hops)
    stock = subscriber_sees(StockDispatchConsumer, hops)

    snapshot, status_push, user_push = fast["received"]
    assert snapshot["type"] == "snapshot" and snapshot["order"]["status"] == "paid"
    assert status_push["type"] == "order.status_changed"
    # The push is the order as the change committed it, with its sequence number.
    assert status_push["order"] == fast["order"]
    assert status_push["sequence"] == fast["order"]["sequence"]
    assert fast["order"]["status"] == "processing"
    assert user_push == USER_PUSH
    assert fast["closing"] == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}

    assert _without_identity(fast) == _without_identity(stock)
    assert fast["closing"] == stock["closing"]
    # Channels' dispatch took its hop for each of the three pushes; the feed's takes none.
    assert (stock["hops"], fast["hops"]) == (3, 0)
