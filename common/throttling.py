"""Rate limits (docs/security.md, "Rate limits").

Every API call is counted in one bucket, per user when authenticated and per client
otherwise: a view's `throttle_scope` (a scope, or a mapping of HTTP method to scope) names
its bucket, and any other call counts in `user` or `anon`. The rates are THROTTLE_RATES.

The counting is a sliding log: a bucket's key holds the times of the calls it let through
within the last period, as a Redis sorted set in the shared `ratelimit` cache. One Lua
script per check drops the times that have left the window, counts the rest and adds this
call if there is room, atomically: every worker process counts in the same place,
concurrent requests never count once for two, and no window of the period's length lets
more than the rate through, wherever it starts. The time is this module's `clock`, passed
to the script, not Redis's. While Redis is down, each process keeps the same log in its own
memory (docs/operations.md, "Redis down is degraded").

The client IP is the peer's address, unless the peer is one of TRUSTED_PROXIES: then it is
the nearest address in `X-Forwarded-For` that is not a trusted proxy itself. A client can
therefore not choose its own address by sending the header. An IPv4 client is counted per
address, an IPv6 one per /64, the block a single home or host is given.
"""

import functools
import ipaddress
import logging
import math
import re
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import JsonResponse
from django.utils.translation import gettext as _
from redis.commands.core import Script
from rest_framework.throttling import BaseThrottle

from common.cache import CACHE_ERRORS
from common.error_codes import CommonErrorCode

logger = logging.getLogger(__name__)

# The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers): the rate of the most
# restrictive bucket a call passed, the calls it has left, and the seconds until one more
# call is allowed.
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")

# The time the limits count in, in seconds since the epoch; a test sets it.
clock = time.time


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The address of the client that sent `request` (an HttpRequest or a DRF Request)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop
    ]
    for hop in reversed(forwarded):
        if not _trusted(hop):
            return hop
    return forwarded[0] if forwarded else peer


def client_network(address: str) -> str:
    """What one client address counts as: an IPv4 address itself (also when written as an
    IPv4-mapped IPv6 one), an IPv6 address its /64, which one subscriber gets whole and can
    pick any address in."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


def _client_key(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_network(client_ip(request))}"


_RATE = re.compile(r"^(\d+)/(\d*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`10/min`, `100/h` or `20/5m` as (calls, period in seconds)."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"Not a rate: {rate!r} (calls/[multiplier]unit, as 10/min)")
    calls, multiplier, unit = match.groups()
    return int(calls), int(multiplier or 1) * _UNIT_SECONDS[unit]


@dataclass(frozen=True)
class Usage:
    """One bucket's answer to one call. `reset` is the seconds until the oldest call it
    counts leaves the window, so until one more call is allowed when none is left."""

    limit: int
    remaining: int
    reset: float
    allowed: bool

    @property
    def retry_after(self) -> float | None:
        return None if self.allowed else self.reset

    def headers(self) -> dict[str, str]:
        values = (self.limit, self.remaining, max(math.ceil(self.reset), 1))
        return dict(zip(RATE_LIMIT_HEADERS, map(str, values), strict=True))


# KEYS[1] the bucket; ARGV now and period in milliseconds, the limit, this call's unique
# member. Returns whether the call is let through, the calls counted in the window (this
# one included) and the oldest one's time.
_SLIDING_LOG = Script(
    None,
    b"""
local key, now, period, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, period)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
return {allowed, count, tonumber(oldest) or now}
""",
)


class _LocalLog:
    """The same sliding log in this process's memory, for while Redis is down and for a
    cache that is not Redis (without REDIS_URL). The keys least recently counted are
    forgotten beyond MAX_KEYS."""

    MAX_KEYS = 100_000

    def __init__(self):
        self._lock = threading.Lock()
        self._calls: OrderedDict[str, deque[int]] = OrderedDict()

    def count(self, key: str, now: int, period: int, limit: int) -> tuple[int, int, int]:
        with self._lock:
            calls = self._calls.pop(key, None) or deque()
            while calls and calls[0] <= now - period:
                calls.popleft()
            allowed = len(calls) < limit
            if allowed:
                calls.append(now)
            if calls:
                self._calls[key] = calls
            while len(self._calls) > self.MAX_KEYS:
                self._calls.popitem(last=False)
            return int(allowed), len(calls), calls[0] if calls else now

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()


_local = _LocalLog()
_warned_at = -math.inf
WARN_EVERY_SECONDS = 60


def _count_locally(exc: Exception, *args) -> tuple[int, int, int]:
    global _warned_at
    if time.monotonic() - _warned_at > WARN_EVERY_SECONDS:
        _warned_at = time.monotonic()
        logger.warning("Rate limits count locally in this process: Redis is down (%s)", exc)
    return _local.count(*args)


def usage_count(request, scope: str) -> Usage:
    """Count this call in `scope`'s bucket, if the bucket has room for it."""
    limit, period = parse_rate(settings.THROTTLE_RATES[scope])
    store = caches["ratelimit"]
    key = store.make_key(f"throttle:{scope}:{_client_key(request)}")
    now, period_ms = round(clock() * 1000), period * 1000
    if isinstance(store, RedisCache):
        try:
            client = store._cache.get_client(key, write=True)
            answer = _SLIDING_LOG(
                keys=[key], args=[now, period_ms, limit, uuid.uuid4().hex], client=client
            )
        except CACHE_ERRORS as exc:
            answer = _count_locally(exc, key, now, period_ms, limit)
    else:
        answer = _local.count(key, now, period_ms, limit)
    allowed, counted, oldest = (int(value) for value in answer)
    return Usage(
        limit=limit,
        remaining=max(limit - counted, 0),
        reset=(oldest + period_ms - now) / 1000,
        allowed=bool(allowed),
    )


def _strictness(usage: Usage) -> tuple:
    return (usage.allowed, usage.remaining, -usage.reset)


def _most_restrictive(request, usage: Usage) -> Usage:
    """Of the buckets this request has been counted in so far, the one that refused it or
    else has the fewest calls left (then the longest wait): the one its RateLimit headers
    describe."""
    request = getattr(request, "_request", request)
    seen = getattr(request, "rate_limit_usage", None)
    if seen is None or _strictness(usage) < _strictness(seen):
        request.rate_limit_usage = usage
    return request.rate_limit_usage


def throttled(scope: str, methods: tuple[str, ...] = ("POST",)):
    """The same limit for a plain Django view (the admin's login form counts in `login`),
    on `methods`: a 429 in the envelope, and the RateLimit headers on every answer."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            usage = usage_count(request, scope)
            if usage.allowed:
                response = view(request, *args, **kwargs)
            else:
                # Imported here: DRF's settings import this module while common.exceptions
                # loads.
                from common.exceptions import error_body

                retry_after = max(math.ceil(usage.retry_after), 1)
                response = JsonResponse(
                    error_body(
                        CommonErrorCode.THROTTLED,
                        _("Request was throttled."),
                        retry_after=retry_after,
                    ),
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
            for name, value in _most_restrictive(request, usage).headers().items():
                response[name] = value
            return response

        return wrapped

    return decorate


class RateThrottle(BaseThrottle):
    """DRF's throttle interface over the sliding log. The view's response, a 429 included,
    carries the RateLimit headers of the most restrictive bucket the call was counted in."""

    def scope(self, request, view) -> str:
        scope = getattr(view, "throttle_scope", None)
        if isinstance(scope, dict):
            scope = scope.get(request.method)
        if scope:
            return scope
        return "user" if request.user and request.user.is_authenticated else "anon"

    def allow_request(self, request, view) -> bool:
        self.usage = usage_count(request, self.scope(request, view))
        headers = _most_restrictive(request, self.usage).headers()
        # DRF's `finalize_response` copies an APIView's headers onto whatever it answers.
        if isinstance(getattr(view, "headers", None), dict):
            view.headers.update(headers)
        return self.usage.allowed

    def wait(self) -> float | None:
        return self.usage.retry_after
