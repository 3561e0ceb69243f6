"""Pushes to WebSocket clients through the Channels layer (docs/architecture.md §3.5).

Delivery is at most once, the channel layer's own contract: a push goes out after the change
has committed, and a client that misses one notices the gap in the sequence numbers and
refetches over REST. A failed push is logged, never raised into the code that committed."""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from uuid import UUID

import redis
from asgiref.sync import async_to_sync
from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, WebSocketScope
from channels.layers import BaseChannelLayer, get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer
from channels_redis.utils import decode_hosts
from django.db import transaction

logger = logging.getLogger(__name__)

# Close codes the feed uses; 4000–4999 are free for applications (RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403

SESSION_CLOSE = "session.close"
PUSH_TIMEOUT_SECONDS = 5


def user_group(user_id: UUID) -> str:
    """Every socket of a user joins this group, so that all of them can be closed at once."""
    return f"user.{user_id}"


async def _send_all(layer: BaseChannelLayer, groups: list[str], message: dict[str, Any]) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))


class _PubSubPublisher:
    """Sends to the groups of a `RedisPubSubChannelLayer` from synchronous code (requests,
    Celery workers, commands) with redis-py: the `PUBLISH`es the layer's own `group_send`
    issues, on its channel names and with its serializer, pipelined into one round trip per
    Redis host. The layer's API is async only; driving it from here took a thread hop and an
    event loop per push (docs/architecture.md §3.5). Sentinel hosts have no publisher: their
    pushes go through the layer."""

    def __init__(self, layer: RedisPubSubChannelLayer) -> None:
        self._layer = layer
        # Never connects: it lends the layer's channel naming and sharding.
        self._names = RedisPubSubLoopLayer(*layer._args, **layer._kwargs, channel_layer=layer)
        self._clients = {id(shard): self._client(shard.host) for shard in self._names._shards}

    @staticmethod
    def _client(host: dict[str, Any]) -> redis.Redis:
        """A client for one of the layer's hosts (an `address` URL or connection keywords);
        its pool connects at the first push."""
        options = {
            "socket_timeout": PUSH_TIMEOUT_SECONDS,
            "socket_connect_timeout": PUSH_TIMEOUT_SECONDS,
            **host,
        }
        if address := options.pop("address", None):
            return redis.Redis(connection_pool=redis.ConnectionPool.from_url(address, **options))
        return redis.Redis(connection_pool=redis.ConnectionPool(**options))

    def publish(self, groups: list[str], message: dict[str, Any]) -> None:
        payload = self._layer.serialize(message)
        pipelines: dict[int, redis.client.Pipeline] = {}
        for group in groups:
            name = self._names._get_group_channel_name(group)
            shard = id(self._names._get_shard(name))
            if shard not in pipelines:
                pipelines[shard] = self._clients[shard].pipeline(transaction=False)
            pipelines[shard].publish(name, payload)
        for pipeline in pipelines.values():
            pipeline.execute()


@functools.cache
def _publisher(layer: BaseChannelLayer) -> _PubSubPublisher | None:
    """The layer's publisher, one per layer and process (redis-py's pools survive a fork)."""
    if not isinstance(layer, RedisPubSubChannelLayer):
        return None
    if any("sentinels" in host for host in decode_hosts(layer._kwargs.get("hosts"))):
        return None
    return _PubSubPublisher(layer)


def group_send(groups: Iterable[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if publisher := _publisher(layer):
            publisher.publish(list(groups), message)
        else:
            # The in-memory layer's queues belong to the server's loop, which
            # `async_to_sync` goes back to.
            async_to_sync(_send_all)(layer, list(groups), message)
    except Exception:
        logger.exception("Live push %s to %s failed", message.get("type"), groups)


def group_send_after_commit(
    groups: Iterable[str], message: Callable[[], dict[str, Any]] | dict[str, Any], *, using: str
) -> None:
    """Send once the `using` transaction commits. `message` may be a callable, to build the
    message from the state the transaction leaves behind."""
    groups = list(groups)

    def send() -> None:
        group_send(groups, message() if callable(message) else message)

    transaction.on_commit(send, using=using)


# The live feed's consumer (orders/consumers.py) forwards a message of this type to its
# socket as it is: what any app pushes to a user's open feeds.
FEED_PUSH = "order.push"


def user_push_after_commit(user_id: UUID, push: dict[str, Any], *, using: str) -> None:
    """Send `push` to every open feed of the user once the transaction on `using` commits
    (a registration's status, say, which the client sees next to its orders)."""
    group_send_after_commit([user_group(user_id)], {"type": FEED_PUSH, "push": push}, using=using)


def sessions_close_after_commit(user_id: UUID, *, using: str, reason: str) -> None:
    """Close every open socket of a user once the change that ends their access commits."""
    group_send_after_commit(
        [user_group(user_id)], {"type": SESSION_CLOSE, "reason": reason}, using=using
    )


# An ASGI application that serves WebSockets.
WebSocketApplication = Callable[
    [WebSocketScope, ASGIReceiveCallable, ASGISendCallable], Awaitable[None]
]


def origin_checked(application: WebSocketApplication) -> WebSocketApplication:
    """Browsers always send `Origin` on a WebSocket: a connection that names one must name
    an allowed host, so that another site's page cannot use a visitor's session. A client
    that is not a browser (a mobile app, a script) sends none; it is let through, as it
    still needs a ticket that only its own access token can get (docs/security.md)."""
    from channels.security.websocket import AllowedHostsOriginValidator

    validated = AllowedHostsOriginValidator(application)

    async def route(
        scope: WebSocketScope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if any(name == b"origin" for name, _ in scope.get("headers", [])):
            await validated(scope, receive, send)
        else:
            await application(scope, receive, send)

    return route
