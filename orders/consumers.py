"""The live order feed (docs/architecture.md §3.5).

`ws/orders/` carries a client's own orders, or for staff the orders of their scope (every
order for the group's staff, their showrooms' for a showroom's); `ws/orders/<id>/` one order,
for its owner or staff who may see it. On connect the client gets a snapshot, then a push for every
change, each with the order's sequence number: a gap means a missed push, and the client
refetches over REST."""

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from accounts import selectors as accounts_selectors
from common.realtime import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, SESSION_CLOSE, user_group
from orders import realtime, selectors

# The channel-layer messages the consumer handles (`order_push`, `session_close`): neither
# reads the database.
PUSHES = frozenset({realtime.PUSH, SESSION_CLOSE})


class OrderFeedConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        # Accept first: a close code (4401, 4403) only reaches a client after the handshake.
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        order_id = self.scope["url_route"]["kwargs"].get("order_id")
        if order_id is not None and not await self._find(user, order_id):
            await self.close(code=CLOSE_FORBIDDEN)  # missing or another customer's: the same
            return
        if order_id is not None:
            feeds = [realtime.order_group(order_id)]
        elif user.is_staff:  # the orders of their scope only (docs/showrooms.md)
            feeds = realtime.staff_groups(user)
        else:
            feeds = [realtime.customer_group(user.pk)]
        # Join before reading the snapshot, so that no change falls between the two; and
        # before asking whether the sign-in still holds, so that a revocation committed after
        # the ticket was taken either shows here or reaches this socket through its group.
        for group in (*feeds, user_group(user.pk)):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups.append(group)
        if not await self._session_current(user):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json(await self._snapshot(user, order_id))

    @database_sync_to_async
    def _session_current(self, user) -> bool:
        return accounts_selectors.user_session_current(user=user)

    @database_sync_to_async
    def _find(self, user, order_id):
        return selectors.order_live_find(user=user, order_id=order_id)

    @database_sync_to_async
    def _snapshot(self, user, order_id) -> dict:
        if order_id is not None:
            order = selectors.order_live_find(user=user, order_id=order_id)
            return {"type": "snapshot", "order": order and realtime.order_live(order)}
        orders = selectors.order_live_recent(user=user, limit=settings.ORDERS_LIVE_SNAPSHOT_SIZE)
        return {"type": "snapshot", "orders": [realtime.order_live(order) for order in orders]}

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """The feed only talks: what a client sends is ignored, not even parsed."""

    # Channel-layer messages.
    async def dispatch(self, message):
        """Channels closes the thread's stale database connections before every message, a
        hop to the one thread that runs the ORM's code. The pushes touch no database, and at
        a few hundred a second over thousands of sockets that hop was the feed's largest cost
        (BENCHMARKS.md, "Live order feed"), so they skip it. What the client sends still takes
        it (the connect, whose queries run through `database_sync_to_async` as well)."""
        if message["type"] in PUSHES:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def order_push(self, message):
        await self.send_json(message["push"])

    async def session_close(self, message):
        """The user's tokens were revoked (a role change, a deactivation, logout-all, a new
        password): the socket ends at once, and the client signs in again."""
        await self.close(code=CLOSE_UNAUTHENTICATED)
