"""Live pushes from synchronous code (common.realtime): what the Redis pub/sub layer's own
subscribers receive, and a Redis that does not answer."""

import asyncio
import logging
import socket

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from common import realtime

GROUPS = ["orders.order.test-1", "orders.customer.test-2", "orders.staff.test"]
MESSAGE = {"type": "order.push", "push": {"type": "order.created", "sequence": 3, "id": "é"}}


def test_every_group_of_one_push_receives_it_through_the_layer_itself():
    layer = get_channel_layer()
    assert isinstance(layer, RedisPubSubChannelLayer)  # the services-mode layer, on Redis

    async def scenario():
        channels = []
        for group in GROUPS:
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
            channels.append(channel)
        await sync_to_async(realtime.group_send)(GROUPS, MESSAGE)
        received = [await asyncio.wait_for(layer.receive(c), timeout=5) for c in channels]
        for group, channel in zip(GROUPS, channels, strict=True):
            await layer.group_discard(group, channel)
        return received

    assert async_to_sync(scenario)() == [MESSAGE] * len(GROUPS)


def test_a_push_to_a_redis_that_does_not_answer_is_logged_and_not_raised(monkeypatch, caplog):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    unreachable = RedisPubSubChannelLayer(hosts=[f"redis://127.0.0.1:{port}/0"], prefix="t")
    assert config["hosts"] != unreachable._kwargs["hosts"]
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: unreachable)

    with caplog.at_level(logging.ERROR, logger="common.realtime"):
        realtime.group_send(GROUPS, MESSAGE)

    assert [r.getMessage() for r in caplog.records] == [f"Live push order.push to {GROUPS} failed"]
