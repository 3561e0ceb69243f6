"""Connection pools shared by threads (docs/operations.md, "Connections"): a thread about to
wait, for a pool's connection or for a turn, first gives back the pooled connections it holds
idle to the other databases. Whoever it waits for may need one of them: were they all held by
waiting threads, each would wait for the other until the pool's timeout."""

from typing import Any

from django.db import connections
from psycopg_pool import ConnectionPool


def idle_connections_return(*, keep: str) -> None:
    """Give back to their pools this thread's connections to the databases other than `keep`
    that no transaction holds."""
    for connection in connections.all(initialized_only=True):
        if (
            connection.alias != keep
            and connection.settings_dict["OPTIONS"].get("pool")
            and connection.connection is not None
            and not connection.in_atomic_block
        ):
            connection.close()


def pool_exhausted(pool: ConnectionPool[Any]) -> bool:
    """Whether taking a connection from `pool` would wait: none idle, and as many open as it
    may have."""
    stats = pool.get_stats()
    return bool(stats.get("pool_available", 0) == 0 and stats.get("pool_size", 0) >= pool.max_size)
