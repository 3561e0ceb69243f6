"""Cached reads that are never stale after a write, and never in the way of one.

Entries live under a version token kept in the cache. A write replaces the token after its
transaction commits, so every read that starts after the write misses the old entries; a
body built from a read that raced with the write can only land under a token nobody asks
for any more, and expires. When the cache is down, reads are built from the database and
writes go on: only speed is lost."""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
VERSION_TTL = 24 * 3600
CACHE_ERRORS = (RedisError, OSError)


def cache_take(key: str):
    """The value under `key`, once: of any number of concurrent takers, only the one whose
    delete removed the key gets it. For one-time tickets and states; None when unknown, taken
    or expired."""
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return value


class VersionedCache:
    def __init__(self, namespace: str, *, ttl: int):
        self.namespace = namespace
        self.ttl = ttl

    def _version_key(self, scope) -> str:
        return f"{self.namespace}:version:{scope}"

    def _version(self, scope) -> str:
        key = self._version_key(scope)
        version = cache.get(key)
        if version is None:  # never written, or evicted: start a token nobody has used
            version = uuid.uuid4().hex
            if not cache.add(key, version, VERSION_TTL):
                version = cache.get(key)
        return version

    def get_or_build(self, scope, key: str, build: Callable[[], object]):
        """`scope` is what a write invalidates (one order, or the whole catalog)."""
        try:
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
            entry_key = f"{self.namespace}:{scope}:{self._version(scope)}:{digest}"
            body = cache.get(entry_key)
        except CACHE_ERRORS:
            logger.warning("Cache unavailable; reading %s from the database", self.namespace)
            return build()
        if body is None:
            body = build()
            try:
                cache.set(entry_key, body, self.ttl)
            except CACHE_ERRORS:
                logger.warning("Cache unavailable; %s not stored", self.namespace)
        return body

    def invalidate(self, scope) -> None:
        cache.set(self._version_key(scope), uuid.uuid4().hex, VERSION_TTL)

    def invalidate_on_commit(self, scope, *, using: str) -> None:
        """Drop `scope` once the transaction on `using` commits. A cache that is down then
        holds nothing fresh either, so its failure is logged and the write stands."""
        transaction.on_commit(lambda: self.invalidate(scope), using=using, robust=True)


class _SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with a redis-py client per connection pool instead of a new
    one at every call (building one costs more CPU than a round trip to Redis on a bare
    request here), and `incr` in one round trip instead of two. A redis-py client is a
    thread-safe front of its pool, which is per process."""

    # INCRBY only what exists, as Django's `incr` does with EXISTS first: a counter whose key
    # expired must not come back without its expiry.
    _INCR_EXISTING = (
        "if redis.call('exists', KEYS[1]) == 1 then "
        "return redis.call('incrby', KEYS[1], ARGV[1]) end return false"
    )

    def _shared(self, write: bool) -> tuple:
        """The pool's client and its `incr` script, made at the first call."""
        index = self._get_connection_pool_index(write)
        shared = self.__dict__.setdefault("_shared_clients", {})
        if index not in shared:
            client = self._client(connection_pool=self._get_connection_pool(write))
            shared[index] = (client, client.register_script(self._INCR_EXISTING))
        return shared[index]

    def get_client(self, key=None, *, write=False):
        return self._shared(write)[0]

    def incr(self, key, delta):
        value = self._shared(write=True)[1](keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class SharedClientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` on `_SharedClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient


class FallbackRedisCache(SharedClientRedisCache):
    """Django's Redis cache that keeps counting in this process while Redis is unreachable,
    saying so in the log once a minute. It backs the rate limits (`common.throttling`): a
    client then gets at most the rate times the number of processes, and an endpoint never
    fails because its limiter cannot count (docs/operations.md, "Faults")."""

    WARN_EVERY_SECONDS = 60

    def __init__(self, server, params):
        super().__init__(server, params)
        self.local = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        self._warned_at = 0.0

    def _fallback(self, method: str, exc: Exception, *args, **kwargs):
        if time.monotonic() - self._warned_at > self.WARN_EVERY_SECONDS:
            self._warned_at = time.monotonic()
            logger.warning("Rate limits count locally in this process: Redis is down (%s)", exc)
        return getattr(self.local, method)(*args, **kwargs)

    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except CACHE_ERRORS as exc:
            return self._fallback("add", exc, *args, **kwargs)

    def incr(self, *args, **kwargs):
        try:
            return super().incr(*args, **kwargs)
        except CACHE_ERRORS as exc:
            return self._fallback("incr", exc, *args, **kwargs)

    def get(self, *args, **kwargs):
        try:
            return super().get(*args, **kwargs)
        except CACHE_ERRORS as exc:
            return self._fallback("get", exc, *args, **kwargs)
