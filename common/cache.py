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
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis import ConnectionPool, Redis
from redis.commands.core import Script
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
VERSION_TTL = 24 * 3600
CACHE_ERRORS = (RedisError, OSError)

_P = ParamSpec("_P")
_T = TypeVar("_T")
# What a write invalidates: one record (an order's id), or a whole list (a name).
Scope = str | UUID


def cache_take(key: str) -> Any:
    """The value under `key`, once: of any number of concurrent takers, only the one whose
    delete removed the key gets it. For one-time tickets and states; None when unknown, taken
    or expired."""
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return value


class VersionedCache:
    def __init__(self, namespace: str, *, ttl: int) -> None:
        self.namespace = namespace
        self.ttl = ttl

    def _version_key(self, scope: Scope) -> str:
        return f"{self.namespace}:version:{scope}"

    def _version(self, scope: Scope) -> str:
        key = self._version_key(scope)
        version: str | None = cache.get(key)
        if version is None:  # never written, or evicted: start a token nobody has used
            fresh = uuid.uuid4().hex
            # Unless another reader has just started one: then theirs, or ours should theirs be
            # gone again already (not None, which would name entries of no one version).
            version = fresh if cache.add(key, fresh, VERSION_TTL) else cache.get(key, fresh)
        return version

    def get_or_build(self, scope: Scope, key: str, build: Callable[[], _T]) -> _T:
        """`scope` is what a write invalidates (one order, or the whole catalog)."""
        try:
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
            entry_key = f"{self.namespace}:{scope}:{self._version(scope)}:{digest}"
            body: _T | None = cache.get(entry_key)
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

    def invalidate(self, scope: Scope) -> None:
        cache.set(self._version_key(scope), uuid.uuid4().hex, VERSION_TTL)

    def invalidate_on_commit(self, scope: Scope, *, using: str) -> None:
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

    # Django's own, which its stubs leave out: the client class, and the pool (made at the
    # first call) of the server a read or a write goes to.
    _client: type[Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def _shared(self, write: bool) -> tuple[Redis, Script]:
        """The pool's client and its `incr` script, made at the first call."""
        pool = self._get_connection_pool(write)
        shared: dict[ConnectionPool, tuple[Redis, Script]]
        shared = self.__dict__.setdefault("_shared_clients", {})
        if pool not in shared:
            client = self._client(connection_pool=pool)
            shared[pool] = (client, client.register_script(self._INCR_EXISTING))
        return shared[pool]

    def get_client(
        self, key: str | bytes | memoryview | None = None, *, write: bool = False
    ) -> Redis:
        return self._shared(write)[0]

    def incr(self, key: str | bytes | memoryview, delta: int) -> int:
        value: int | None = self._shared(write=True)[1](keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key!s}' not found.")
        return value


class SharedClientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` on `_SharedClientRedisCacheClient`."""

    # Django's, which its stubs leave out: the class of the client `_cache` makes.
    _class: type[RedisCacheClient]

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient


class FallbackRedisCache(SharedClientRedisCache):
    """Django's Redis cache that keeps counting in this process while Redis is unreachable,
    saying so in the log once a minute. It backs the rate limits (`common.api.throttling`): a
    client then gets at most the rate times the number of processes, and an endpoint never
    fails because its limiter cannot count (docs/operations.md, "Faults")."""

    WARN_EVERY_SECONDS = 60

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.local = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        self._warned_at = 0.0

    def _fallback(
        self, exc: Exception, method: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """`method` of the local cache, in place of Redis's."""
        if time.monotonic() - self._warned_at > self.WARN_EVERY_SECONDS:
            self._warned_at = time.monotonic()
            logger.warning("Rate limits count locally in this process: Redis is down (%s)", exc)
        return method(*args, **kwargs)

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except CACHE_ERRORS as exc:
            return self._fallback(exc, self.local.add, key, value, timeout, version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except CACHE_ERRORS as exc:
            return self._fallback(exc, self.local.incr, key, delta, version)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except CACHE_ERRORS as exc:
            return self._fallback(exc, self.local.get, key, default, version)
