"""Signed hand-over (docs/events.md, "Signed hand-over"): every event the relay hands to the
workers carries an HMAC-SHA256 of the event and of the consumers it names, made with a key
that only the relay and the workers hold (EVENTS_SIGNING_KEYS). A worker acts on nothing in
a message without a valid signature: anyone who can write to the broker could otherwise
forge a `loan_application.disbursed` and have an order paid.

The first key signs; every key verifies, so that a key is rotated by putting the new one
first, and dropping the old one once no message signed with it can be waiting."""

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _message(event: dict[str, Any], consumers: list[str]) -> bytes:
    """What is signed: the event as it travels (JSON, its keys sorted) and its consumers."""
    return json.dumps(
        {"event": event, "consumers": consumers}, sort_keys=True, separators=(",", ":")
    ).encode()


def _digest(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def sign(event: dict[str, Any], consumers: list[str]) -> str:
    if not settings.EVENTS_SIGNING_KEYS:
        raise ImproperlyConfigured(
            "This process holds no EVENTS_SIGNING_KEYS: only the relay and the workers hand "
            'events to the workers (docs/events.md, "Signed hand-over").'
        )
    return _digest(settings.EVENTS_SIGNING_KEYS[0], _message(event, consumers))


def verified(event: dict[str, Any], consumers: list[str], signature: object) -> bool:
    """Whether `signature` is one of the keys' signature of exactly this event for exactly
    these consumers."""
    if not isinstance(signature, str) or not signature:
        return False
    message = _message(event, consumers)
    return any(
        hmac.compare_digest(_digest(key, message), signature)
        for key in settings.EVENTS_SIGNING_KEYS
    )
