"""WebSocket tickets: one-time tickets for the live feed, kept in the cache."""

import secrets
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache

from accounts.models import User
from common.cache import cache_take

WS_TICKET_PREFIX = "ws-ticket:"


class WsTicket(TypedDict):
    ticket: str
    expires_in: int  # seconds


def ws_ticket_issue(*, user: User) -> WsTicket:
    """A one-time ticket for the live feed, of the user's current token version: revoking
    their tokens ends the tickets issued before."""
    ticket = secrets.token_urlsafe(32)
    ttl = settings.WS_TICKET_TTL_SECONDS
    cache.set(f"{WS_TICKET_PREFIX}{ticket}", f"{user.pk}:{user.token_version}", timeout=ttl)
    return {"ticket": ticket, "expires_in": ttl}


def ws_ticket_consume(*, ticket: str) -> User | None:
    """The active user the ticket was issued to, once, if none of their tokens was revoked
    since; None for an unknown, used, expired or revoked one."""
    issued = cache_take(f"{WS_TICKET_PREFIX}{ticket}")
    if not issued:
        return None
    user_id, _, version = str(issued).partition(":")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or str(user.token_version) != version:
        return None
    return user
