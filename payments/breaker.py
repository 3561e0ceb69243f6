"""A circuit breaker around the payment provider (pybreaker). Its state lives in Redis in
services mode, so that every worker sees the same breaker, and shows in `/health/components`."""

from functools import cache

import pybreaker
import redis
from django.conf import settings

from payments.providers import ChargeDeclined

NAME = "payment-provider"


@cache
def provider_breaker() -> pybreaker.CircuitBreaker:
    storage: pybreaker.CircuitBreakerStorage
    if settings.REDIS_URL:
        storage = pybreaker.CircuitRedisStorage(
            pybreaker.STATE_CLOSED,
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1),
            namespace=NAME,
        )
    else:
        storage = pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
    return pybreaker.CircuitBreaker(
        fail_max=settings.PAYMENTS_BREAKER_FAIL_MAX,
        reset_timeout=settings.PAYMENTS_BREAKER_RESET_SECONDS,
        # A declined card, or an object the provider does not know, says nothing about the
        # provider's health.
        exclude=[ChargeDeclined, LookupError],
        state_storage=storage,
        name=NAME,
    )


def breaker_state() -> dict:
    """For `/health/components`: the breaker is information, not a reason to stop serving. Its
    state lives in Redis: while Redis is down it is unknown (and certainly not open)."""
    try:
        return {"state": provider_breaker().current_state}
    except (redis.RedisError, OSError):
        return {"status": "unknown", "state": "unknown"}
