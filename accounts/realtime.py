"""Who is on the other end of a WebSocket: the one-time ticket from `auth/ws-ticket`
(docs/architecture.md §3.5). A raw access token in the URL is refused without being looked
at, so that clients never learn to put one where proxies and servers log it."""

import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from accounts import services

logger = logging.getLogger(__name__)

TOKEN_PARAMETERS = {"token", "access_token", "access", "jwt", "authorization", "bearer"}


def _looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


@database_sync_to_async
def _ticket_user(ticket: str):
    return services.ws_ticket_consume(ticket=ticket) or AnonymousUser()


class TicketAuthMiddleware(BaseMiddleware):
    """Sets `scope["user"]` from `?ticket=...`, consuming the ticket; AnonymousUser else."""

    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        ticket = (params.get("ticket") or [""])[0]
        if TOKEN_PARAMETERS & {name.lower() for name in params} or _looks_like_jwt(ticket):
            logger.warning("WebSocket refused: a token in the URL instead of a ticket")
            user = AnonymousUser()
        elif ticket:
            user = await _ticket_user(ticket)
        else:
            user = AnonymousUser()
        return await super().__call__(dict(scope, user=user), receive, send)
