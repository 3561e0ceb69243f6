"""Rate limits (docs/security.md, "Rate limits").

Every API call is counted in one bucket, per user when authenticated and per client IP
otherwise: a view's `throttle_scope` (a scope, or a mapping of HTTP method to scope) names
its bucket, and any other call counts in `user` or `anon`. The rates are THROTTLE_RATES.

The counting is django-ratelimit's: a fixed window per key, one atomic `INCR` in the shared
`ratelimit` cache, so that every worker process counts in the same place and concurrent
requests never count once for two. That cache falls back to process memory while Redis is
down (`common.cache.FallbackRedisCache`).

The client IP is the peer's address, unless the peer is one of TRUSTED_PROXIES: then it is
the nearest address in `X-Forwarded-For` that is not a trusted proxy itself. A client can
therefore not choose its own address by sending the header.
"""

import functools
import ipaddress
import math
from functools import cache

from django.conf import settings
from django.http import JsonResponse
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from common.error_codes import CommonErrorCode


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


def _key(group: str, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def exceeded(request, scope: str) -> float | None:
    """Count this request in `scope`'s bucket: None while within the rate, otherwise the
    seconds until the window ends."""
    usage = get_usage(
        request,
        group=f"throttle:{scope}",
        key=_key,
        rate=settings.THROTTLE_RATES[scope],
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


def throttled(scope: str):
    """The same limit for a plain Django view (the admin's login form counts in `login`),
    on POST: a 429 in the envelope."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = exceeded(request, scope) if request.method == "POST" else None
            if wait is None:
                return view(request, *args, **kwargs)
            # Imported here: DRF's settings import this module while common.exceptions loads.
            from common.exceptions import error_body

            response = JsonResponse(
                error_body(
                    CommonErrorCode.THROTTLED,
                    "Request was throttled.",
                    retry_after=math.ceil(wait),
                ),
                status=429,
            )
            response["Retry-After"] = str(math.ceil(wait))
            return response

        return wrapped

    return decorate


class RateThrottle(BaseThrottle):
    """DRF's throttle interface over django-ratelimit's counter."""

    def scope(self, request, view) -> str:
        scope = getattr(view, "throttle_scope", None)
        if isinstance(scope, dict):
            scope = scope.get(request.method)
        if scope:
            return scope
        return "user" if request.user and request.user.is_authenticated else "anon"

    def allow_request(self, request, view) -> bool:
        self.time_left = exceeded(request, self.scope(request, view))
        return self.time_left is None

    def wait(self) -> float | None:
        return self.time_left
