"""Order detail cached in Redis for five minutes.

Each order has a version counter; the cached body lives under the current version. Every
change bumps the version after its transaction commits, so any read that starts after the
change misses the old body, and a body computed from a stale read can only ever be stored
under a version that nobody asks for any more."""

from collections.abc import Callable

from django.core.cache import cache

DETAIL_TTL = 300
VERSION_TTL = 24 * 3600


def _version_key(order_id) -> str:
    return f"orders:detail-version:{order_id}"


def detail_get_or_build(order_id, build: Callable[[], dict]) -> dict:
    version = cache.get(_version_key(order_id), 0)
    key = f"orders:detail:{order_id}:{version}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, DETAIL_TTL)
    return body


def detail_invalidate(order_id) -> None:
    key = _version_key(order_id)
    cache.add(key, 0, VERSION_TTL)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, VERSION_TTL)
