"""Pushes to WebSocket clients through the Channels layer (docs/architecture.md §3.5).

Delivery is at most once, the channel layer's own contract: a push goes out after the change
has committed, and a client that misses one notices the gap in the sequence numbers and
refetches over REST. A failed push is logged, never raised into the code that committed."""

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Close codes the feed uses; 4000–4999 are free for applications (RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403

SESSION_CLOSE = "session.close"
PUSH_TIMEOUT_SECONDS = 5


def user_group(user_id) -> str:
    """Every socket of a user joins this group, so that all of them can be closed at once."""
    return f"user.{user_id}"


async def _send_all(layer, groups: list[str], message: dict) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))


class _PushLoop:
    """An event loop in a thread of its own, for pushes from synchronous code that runs
    outside an ASGI server (Celery workers, commands). `async_to_sync` would start a new loop
    for every push, and the Redis layer a new connection with it. One per process: a forked
    child starts its own."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self, coroutine, timeout: float):
        with self._lock:
            if self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                threading.Thread(
                    target=self._loop.run_forever, name="realtime-pushes", daemon=True
                ).start()
                self._pid = os.getpid()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)


_push_loop = _PushLoop()


def group_send(groups: Iterable[str], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if isinstance(layer, InMemoryChannelLayer):
            # Its queues belong to the server's loop, which `async_to_sync` goes back to.
            async_to_sync(_send_all)(layer, list(groups), message)
        else:
            _push_loop.run(_send_all(layer, list(groups), message), timeout=PUSH_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("Live push %s to %s failed", message.get("type"), groups)


def group_send_after_commit(
    groups: Iterable[str], message: Callable[[], dict] | dict, *, using: str
) -> None:
    """Send once the `using` transaction commits. `message` may be a callable, to build the
    message from the state the transaction leaves behind."""
    groups = list(groups)

    def send():
        group_send(groups, message() if callable(message) else message)

    transaction.on_commit(send, using=using)


# The live feed's consumer (orders/consumers.py) forwards a message of this type to its
# socket as it is: what any app pushes to a user's open feeds.
FEED_PUSH = "order.push"


def user_push_after_commit(user_id, push: dict, *, using: str) -> None:
    """Send `push` to every open feed of the user once the transaction on `using` commits
    (a registration's status, say, which the client sees next to its orders)."""
    group_send_after_commit([user_group(user_id)], {"type": FEED_PUSH, "push": push}, using=using)


def sessions_close_after_commit(user_id, *, using: str, reason: str) -> None:
    """Close every open socket of a user once the change that ends their access commits."""
    group_send_after_commit(
        [user_group(user_id)], {"type": SESSION_CLOSE, "reason": reason}, using=using
    )


def origin_checked(application):
    """Browsers always send `Origin` on a WebSocket: a connection that names one must name
    an allowed host, so that another site's page cannot use a visitor's session. A client
    that is not a browser (a mobile app, a script) sends none; it is let through, as it
    still needs a ticket that only its own access token can get (docs/security.md)."""
    from channels.security.websocket import AllowedHostsOriginValidator

    validated = AllowedHostsOriginValidator(application)

    async def route(scope, receive, send):
        if any(name == b"origin" for name, _ in scope.get("headers", [])):
            return await validated(scope, receive, send)
        return await application(scope, receive, send)

    return route
