"""Django's PostgreSQL backend, failing fast while a database is unreachable.

One database down must be one app down (docs/operations.md, "Faults"). Opening a connection
is bounded by DATABASE_CONNECT_TIMEOUT and waiting for the pool by DATABASE_POOL_TIMEOUT;
once an attempt has failed, a circuit breaker per alias (and per process) refuses at once
for DATABASE_RETRY_AFTER_SECONDS, then lets one attempt through. Requests that need that
database then fail in milliseconds with a 503 (`common.exceptions`) instead of each waiting
out the timeouts in front of requests that need other databases."""

import pybreaker
from django.conf import settings
from django.db.backends.postgresql import base

_breakers: dict[str, pybreaker.CircuitBreaker] = {}


class _PoolCheckOnRecovery(pybreaker.CircuitBreakerListener):
    """When the database answers again, the pool's idle connections are the ones the
    outage broke: check them all now rather than hand each out to fail once."""

    def __init__(self, alias: str):
        self.alias = alias

    def state_change(self, cb, old_state, new_state):
        recovered = old_state is not None and old_state.name != pybreaker.STATE_CLOSED
        pool = base.DatabaseWrapper._connection_pools.get(self.alias)
        if recovered and new_state.name == pybreaker.STATE_CLOSED and pool is not None:
            pool.check()


def breaker_for(alias: str) -> pybreaker.CircuitBreaker:
    if alias not in _breakers:
        _breakers.setdefault(
            alias,
            pybreaker.CircuitBreaker(
                fail_max=1,
                reset_timeout=settings.DATABASE_RETRY_AFTER_SECONDS,
                listeners=[_PoolCheckOnRecovery(alias)],
                name=f"database:{alias}",
            ),
        )
    return _breakers[alias]


def breakers_close() -> None:
    """Forget every outage seen so far (for tests, which take databases down on purpose)."""
    for breaker in _breakers.values():
        if breaker.current_state != pybreaker.STATE_CLOSED:
            breaker.close()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        try:
            return breaker_for(self.alias).call(super().get_new_connection, conn_params)
        except pybreaker.CircuitBreakerError as exc:
            # Django turns the driver's OperationalError into its own, as for a refused
            # connection.
            raise base.Database.OperationalError(
                f"The {self.alias} database is unavailable; retrying after "
                f"{settings.DATABASE_RETRY_AFTER_SECONDS} s."
            ) from exc
