"""A thread that waits, for a turn (common/db/transactions.py, `turn_take`) or for a pool's
connection, holds no idle connection to another database: whoever it waits for may need it
(common/db/pools.py, docs/operations.md "Connections")."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from psycopg_pool import ConnectionPool

from common.db.postgresql.base import DatabaseWrapper
from common.db.transactions import turn_take
from tests.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "documents"])
TURN = "tests.turn"


def idle(alias: str) -> int:
    """The connections waiting in the alias's pool, given back and not in use."""
    return pool_of(alias).get_stats().get("pool_available", 0)


def pool_of(alias: str) -> ConnectionPool[Any]:
    wrapper = connections[alias]
    assert isinstance(wrapper, DatabaseWrapper) and wrapper.pool is not None
    return wrapper.pool


def waiting_for_a_turn() -> bool:
    with connections["documents"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


def test_a_thread_that_waits_for_a_turn_gives_back_its_other_databases_connections():
    read = threading.Event()

    def wait_for_the_turn() -> tuple[int, bool]:
        try:
            get_user_model().objects.exists()  # the accounts database's, outside a transaction
            holding = idle("default")
            read.set()
            with transaction.atomic(using="documents"):
                turn_take(TURN, using="documents")
                in_a_transaction = connections["documents"].in_atomic_block
            return holding, in_a_transaction
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool, transaction.atomic(using="documents"):
        turn_take(TURN, using="documents")
        waiter = pool.submit(wait_for_the_turn)
        assert read.wait(10), waiter.exception(0) if waiter.done() else "never read"
        wait_for(waiting_for_a_turn, timeout=10, message="the thread waiting for the turn")
        given_back = idle("default")
    holding, took_it = waiter.result(timeout=10)  # raises what the thread raised

    assert given_back == holding + 1
    assert took_it


def test_a_connection_in_a_transaction_is_kept_while_waiting():
    with ThreadPoolExecutor(1) as pool, transaction.atomic(using="documents"):
        turn_take(TURN, using="documents")

        def wait_inside_a_transaction() -> bool:
            try:
                with transaction.atomic(using="default"):
                    get_user_model().objects.exists()
                    connection = connections["default"].connection
                    with transaction.atomic(using="documents"):
                        turn_take(TURN, using="documents")
                    return connections["default"].connection is connection
            finally:
                connections.close_all()

        waiter = pool.submit(wait_inside_a_transaction)
        wait_for(waiting_for_a_turn, timeout=10, message="the thread waiting for the turn")
    assert waiter.result(timeout=10) is True


def test_a_thread_that_waits_for_a_full_pool_gives_back_its_other_databases_connections():
    pool = pool_of("documents")
    stats = pool.get_stats()
    free = stats.get("pool_available", 0) + pool.max_size - stats.get("pool_size", 0)
    taken = [pool.getconn() for _ in range(free)]  # every connection of the pool in use
    read = threading.Event()

    def query_documents() -> tuple[int, int]:
        try:
            get_user_model().objects.exists()
            holding = idle("default")
            read.set()
            with connections["documents"].cursor() as cursor:  # waits for a connection
                cursor.execute("SELECT 1")
                return holding, cursor.fetchone()[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as threads:
        waiter = threads.submit(query_documents)
        try:
            assert read.wait(10), waiter.exception(0) if waiter.done() else "never read"
            wait_for(
                lambda: pool.get_stats().get("requests_waiting"),
                timeout=10,
                message="the thread waiting for a connection",
            )
            given_back = idle("default")
        finally:
            for connection in taken:
                pool.putconn(connection)
        holding, answered = waiter.result(timeout=10)

    assert given_back == holding + 1
    assert answered == 1
