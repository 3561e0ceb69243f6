"""The database backend's breaker (common/db/postgresql/base.py): a database that cannot be
reached stops the alias's requests for a while; a pool whose connections are all in use does
not, since that is a burst of requests, not a database down."""

import pybreaker
import pytest
from django.db import connections
from psycopg_pool import PoolTimeout

from common.db.postgresql.base import breaker_for

pytestmark = pytest.mark.django_db(databases=["catalog"])

WAITED_OUT = PoolTimeout("couldn't get a connection after 10.00 sec")


def _raises(exc: Exception):
    def call():
        raise exc

    return call


@pytest.fixture
def breaker():
    breaker = breaker_for("catalog")
    yield breaker
    breaker.close()


def test_a_pool_waited_out_with_every_connection_in_use_leaves_the_breaker_closed(breaker):
    pool = connections["catalog"].pool
    stats = pool.get_stats()  # the test's own connection is in use already
    free = stats.get("pool_available", 0) + pool.max_size - stats.get("pool_size", 0)
    held = [pool.getconn() for _ in range(free)]
    exhausted = pool.get_stats()
    try:
        with pytest.raises(PoolTimeout):
            breaker.call(_raises(WAITED_OUT))
        state = breaker.current_state
    finally:
        for connection in held:
            pool.putconn(connection)

    assert exhausted["pool_size"] == pool.max_size and not exhausted.get("pool_available")
    assert state == pybreaker.STATE_CLOSED
    assert breaker.call(lambda: "served") == "served"


def test_a_pool_that_could_not_open_its_connections_opens_the_breaker(breaker):
    # A pool with room, below its size or with a connection free, that still made a request
    # wait out its timeout: its connections cannot be opened.
    pool = connections["catalog"].pool
    stats = pool.get_stats()
    assert stats.get("pool_size", 0) < pool.max_size or stats.get("pool_available", 0) > 0

    with pytest.raises(pybreaker.CircuitBreakerError):  # the failure trips it
        breaker.call(_raises(WAITED_OUT))

    assert breaker.current_state == pybreaker.STATE_OPEN
    with pytest.raises(pybreaker.CircuitBreakerError):
        breaker.call(lambda: "served")  # refused at once, no attempt made
