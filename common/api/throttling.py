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
import hashlib
import ipaddress
import logging
import math
import re
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis import Redis
from redis.exceptions import NoScriptError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from common.cache import CACHE_ERRORS
from common.error_codes import CommonErrorCode

if TYPE_CHECKING:
    # DRF's views import this module (DEFAULT_THROTTLE_CLASSES) as they load.
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers): the rate of the most
# restrictive bucket a call passed, the calls it has left, and the seconds until one more
# call is allowed.
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")

# The time the limits count in, in seconds since the epoch; a test sets it.
clock = time.time


@cache
def _trusted_networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request` (an HttpRequest or a DRF Request)."""
    peer: str = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    forwarded_for: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [hop.strip() for hop in forwarded_for.split(",") if hop]
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


def _client_key(request: HttpRequest) -> str:
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
_SLIDING_LOG = b"""
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
"""
_SLIDING_LOG_SHA = hashlib.sha1(_SLIDING_LOG, usedforsecurity=False).hexdigest()


def _sliding_log(client: Redis, keys: list[str], args: list[str]) -> Sequence[int]:
    """The script run by its digest, one round trip; loaded first on a server that lacks it
    (a new one, or one flushed), as redis-py's `Script` does for any client."""
    try:
        answer = client.evalsha(_SLIDING_LOG_SHA, len(keys), *keys, *args)
    except NoScriptError:
        client.script_load(_SLIDING_LOG)
        answer = client.evalsha(_SLIDING_LOG_SHA, len(keys), *keys, *args)
    if not isinstance(answer, list):  # a synchronous client answers a script's table
        raise TypeError(f"The sliding log answered {answer!r}")
    return [int(value) for value in answer]


class _LocalLog:
    """The same sliding log in this process's memory, for while Redis is down and for a
    cache that is not Redis (without REDIS_URL). The keys least recently counted are
    forgotten beyond MAX_KEYS."""

    MAX_KEYS = 100_000

    def __init__(self) -> None:
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


def _count_locally(
    exc: Exception, key: str, now: int, period: int, limit: int
) -> tuple[int, int, int]:
    global _warned_at
    if time.monotonic() - _warned_at > WARN_EVERY_SECONDS:
        _warned_at = time.monotonic()
        logger.warning("Rate limits count locally in this process: Redis is down (%s)", exc)
    return _local.count(key, now, period, limit)


def usage_count(request: HttpRequest, scope: str) -> Usage:
    """Count this call in `scope`'s bucket, if the bucket has room for it."""
    limit, period = parse_rate(settings.THROTTLE_RATES[scope])
    store = caches["ratelimit"]
    key = store.make_key(f"throttle:{scope}:{_client_key(request)}")
    now, period_ms = round(clock() * 1000), period * 1000
    # Whether the call is let through, the calls counted, the oldest one's time.
    answer: Sequence[int]
    if isinstance(store, RedisCache):
        try:
            client = store._cache.get_client(key, write=True)
            answer = _sliding_log(
                client, [key], [str(now), str(period_ms), str(limit), uuid.uuid4().hex]
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


def _strictness(usage: Usage) -> tuple[bool, int, float]:
    return (usage.allowed, usage.remaining, -usage.reset)


# The attribute of the HttpRequest that holds the Usage its RateLimit headers describe.
_USAGE_ATTRIBUTE = "rate_limit_usage"


def _most_restrictive(request: HttpRequest, usage: Usage) -> Usage:
    """Of the buckets this request has been counted in so far, the one that refused it or
    else has the fewest calls left (then the longest wait): the one its RateLimit headers
    describe."""
    if isinstance(request, Request):  # the HttpRequest it wraps, which a view's others share
        request = request._request
    seen: Usage | None = getattr(request, _USAGE_ATTRIBUTE, None)
    if seen is None or _strictness(usage) < _strictness(seen):
        setattr(request, _USAGE_ATTRIBUTE, usage)
        return usage
    return seen


_P = ParamSpec("_P")
_ResponseT = TypeVar("_ResponseT", bound=HttpResponseBase)


def throttled(
    scope: str, methods: tuple[str, ...] = ("POST",), *, page: bool = False
) -> Callable[
    [Callable[Concatenate[HttpRequest, _P], _ResponseT]],
    Callable[Concatenate[HttpRequest, _P], _ResponseT | HttpResponse],
]:
    """The same limit for a plain Django view (the admin's login form counts in `login`),
    on `methods`: a 429 in the envelope, or for a `page` a person reads (the admin's sign-in,
    the pages the e-mails link to) a page in their language; and the RateLimit headers on
    every answer."""

    def decorate(
        view: Callable[Concatenate[HttpRequest, _P], _ResponseT],
    ) -> Callable[Concatenate[HttpRequest, _P], _ResponseT | HttpResponse]:
        @functools.wraps(view)
        def wrapped(
            request: HttpRequest, /, *args: _P.args, **kwargs: _P.kwargs
        ) -> _ResponseT | HttpResponse:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            usage = usage_count(request, scope)
            response: _ResponseT | HttpResponse
            if usage.allowed:
                response = view(request, *args, **kwargs)
            else:
                # Imported here: DRF's settings import this module while common.api.exceptions
                # loads.
                from common.api.exceptions import error_body

                # A refused call's wait is its bucket's `reset` (`Usage.retry_after`).
                retry_after = max(math.ceil(usage.reset), 1)
                if not page:
                    response = JsonResponse(
                        error_body(
                            CommonErrorCode.THROTTLED,
                            _("Request was throttled."),
                            retry_after=retry_after,
                        ),
                        status=429,
                    )
                else:  # a page a person reads (the admin's sign-in): a page, in their language
                    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
                response["Retry-After"] = str(retry_after)
            for name, value in _most_restrictive(request, usage).headers().items():
                response[name] = value
            return response

        return wrapped

    return decorate


class RateThrottle(BaseThrottle):
    """DRF's throttle interface over the sliding log. The view's response, a 429 included,
    carries the RateLimit headers of the most restrictive bucket the call was counted in."""

    usage: Usage  # this call's, once `allow_request` has counted it

    def scope(self, request: Request, view: "APIView") -> str:
        # A view's scope, or its scope for each method; a view without one counts in the
        # user's or the client's bucket.
        scope: str | dict[str, str] | None = getattr(view, "throttle_scope", None)
        if isinstance(scope, dict):
            scope = scope.get(request.method or "")
        if scope:
            return scope
        return "user" if request.user and request.user.is_authenticated else "anon"

    def allow_request(self, request: Request, view: "APIView") -> bool:
        self.usage = usage_count(request, self.scope(request, view))
        headers = _most_restrictive(request, self.usage).headers()
        # DRF's `finalize_response` copies an APIView's headers onto whatever it answers.
        view_headers = getattr(view, "headers", None)
        if isinstance(view_headers, dict):
            view_headers.update(headers)
        return self.usage.allowed

    def wait(self) -> float | None:
        return self.usage.retry_after
