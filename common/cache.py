"""Cached reads that are never stale after a write.

Entries live under a version token kept in the cache. A write replaces the token after its
transaction commits, so every read that starts after the write misses the old entries; a
body built from a read that raced with the write can only land under a token nobody asks
for any more, and expires."""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache

VERSION_TTL = 24 * 3600


class VersionedCache:
    def __init__(self, namespace: str, *, ttl: int):
        self.namespace = namespace
        self.ttl = ttl

    def _version_key(self, scope) -> str:
        return f"{self.namespace}:version:{scope}"

    def get_or_build(self, scope, key: str, build: Callable[[], object]):
        """`scope` is what a write invalidates (one order, or the whole catalog)."""
        version = cache.get(self._version_key(scope), "0")
        digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        entry_key = f"{self.namespace}:{scope}:{version}:{digest}"
        body = cache.get(entry_key)
        if body is None:
            body = build()
            cache.set(entry_key, body, self.ttl)
        return body

    def invalidate(self, scope) -> None:
        cache.set(self._version_key(scope), uuid.uuid4().hex, VERSION_TTL)
