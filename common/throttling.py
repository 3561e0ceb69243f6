"""Rate limits that hold while Redis is down.

DRF's throttles count requests in the default cache (Redis in services mode). When it
cannot be reached they count in this process's memory instead, and say so in the log once
a minute: each process then limits on its own, so that a client gets at most the rate times
the number of processes, never an unlimited or a failing endpoint (docs/operations.md,
"Faults")."""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework import throttling

from common.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class FallbackCache:
    """The default cache for `get` and `set`, or a local one while it is unreachable."""

    WARN_EVERY_SECONDS = 60

    def __init__(self):
        self.local = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        self._warned_at = 0.0

    def _fallen_back(self, exc: Exception) -> LocMemCache:
        if time.monotonic() - self._warned_at > self.WARN_EVERY_SECONDS:
            self._warned_at = time.monotonic()
            logger.warning("Rate limits count locally in this process: the cache is down (%s)", exc)
        return self.local

    def get(self, key, default=None):
        try:
            return cache.get(key, default)
        except CACHE_ERRORS as exc:
            return self._fallen_back(exc).get(key, default)

    def set(self, key, value, timeout=None):
        try:
            return cache.set(key, value, timeout)
        except CACHE_ERRORS as exc:
            return self._fallen_back(exc).set(key, value, timeout)


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    cache = FallbackCache()
