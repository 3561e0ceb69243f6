"""Django's PostgreSQL backend, failing fast while a database is unreachable.

One database down must be one app down (docs/operations.md, "Faults"). Opening a connection
is bounded by DATABASE_CONNECT_TIMEOUT and waiting for the pool by DATABASE_POOL_TIMEOUT;
once an attempt has failed (not a wait for a pool whose every connection is in use: a
burst), a circuit breaker per alias (and per process) refuses at once for
DATABASE_RETRY_AFTER_SECONDS, then lets one attempt through. Requests that need that
database then fail in milliseconds with a 503 (`common.api.exceptions`) instead of each waiting
out the timeouts in front of requests that need other databases."""

from collections.abc import Sequence
from typing import Any, ClassVar

import psycopg
import pybreaker
from django.conf import settings
from django.db.backends.postgresql import base, operations
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from common.db.pools import idle_connections_return, pool_exhausted

_breakers: dict[str, pybreaker.CircuitBreaker] = {}


class _PoolCheckOnRecovery(pybreaker.CircuitBreakerListener):
    """When the database answers again, the pool's idle connections are the ones the
    outage broke: check them all now rather than hand each out to fail once."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        recovered = old_state is not None and old_state.name != pybreaker.STATE_CLOSED
        pool = DatabaseWrapper._connection_pools.get(self.alias)
        if recovered and new_state.name == pybreaker.STATE_CLOSED and pool is not None:
            pool.check()


class _PoolBusy:
    """Whether a wait for the pool ran out because every connection it may open is open and
    in use: a burst of requests, not a database down, so the request that waited fails alone
    and the breaker stays closed. A pool that waited out below its size could not open the
    connections it needed: the database is down."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self, exc: BaseException) -> bool:
        pool = DatabaseWrapper._connection_pools.get(self.alias)
        if not isinstance(exc, PoolTimeout) or pool is None:
            return False
        stats = pool.get_stats()
        return stats.get("pool_size", 0) >= pool.max_size and not stats.get("pool_available")


def breaker_for(alias: str) -> pybreaker.CircuitBreaker:
    if alias not in _breakers:
        _breakers.setdefault(
            alias,
            pybreaker.CircuitBreaker(
                fail_max=1,
                reset_timeout=settings.DATABASE_RETRY_AFTER_SECONDS,
                exclude=[_PoolBusy(alias)],
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


# What `post_migrate` makes, which a flush under DATABASE_FLUSH_DELETES keeps
# (common/management/commands/flush.py).
KEPT_ON_FLUSH = frozenset(
    {"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"}
)


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        """Under DATABASE_FLUSH_DELETES, empty the tables with DELETE rather than Django's
        TRUNCATE: TRUNCATE gives every table (and each of its indexes) a new file, some
        30 ms a database however few rows it held, where deleting a test's few rows takes a
        few. Django's foreign keys are deferred to the commit, so the order of the tables does
        not matter. It keeps the tables `post_migrate` fills (KEPT_ON_FLUSH). A flush that
        resets sequences or cascades is Django's own."""
        if not settings.DATABASE_FLUSH_DELETES or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            " ".join(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
                if table not in KEPT_ON_FLUSH
            )
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    # Django's backend keeps each alias's pool here, on its own class (not in django-stubs).
    _connection_pools: ClassVar[dict[str, ConnectionPool[psycopg.Connection[TupleRow]]]]

    def get_new_connection(self, conn_params: dict[str, Any]) -> psycopg.Connection[TupleRow]:
        pool = self.pool
        if pool is not None and pool_exhausted(pool):  # about to wait (common/db/pools.py)
            idle_connections_return(keep=self.alias)
        try:
            connection: psycopg.Connection[TupleRow] = breaker_for(self.alias).call(
                super().get_new_connection, conn_params
            )
            return connection
        except pybreaker.CircuitBreakerError as exc:
            # Django turns the driver's OperationalError into its own, as for a refused
            # connection.
            raise self.Database.OperationalError(
                f"The {self.alias} database is unavailable; retrying after "
                f"{settings.DATABASE_RETRY_AFTER_SECONDS} s."
            ) from exc
