"""Databases of a test's own on the test server, beside the suite's: for the tests that
migrate, break or compare whole databases."""

import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.db import connections


def server_url(database: str) -> str:
    """The address of `database` on the server the suite's databases are on."""
    db = connections["default"].settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}"


@contextmanager
def empty_databases(prefix: str) -> Iterator[dict[str, str]]:
    """A new, empty database per alias (`<prefix>_<random>_<alias>`), dropped afterwards."""
    tag = f"{prefix}_{uuid.uuid4().hex[:8]}"
    names = {alias: f"{tag}_{alias}" for alias in settings.DATABASE_ENV_VARS}
    try:
        with psycopg.connect(server_url("postgres"), autocommit=True) as server:
            for name in names.values():
                server.execute(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        drop_databases(names.values())


def _drop(name: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_databases(names: Iterable[str]) -> None:
    """Drop `names` at once, a connection each: every `DROP DATABASE` waits for a checkpoint
    of the whole server (seconds while the suite writes), and drops that wait together share
    one instead of taking one each."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(_drop, names))


def migrations_applied(database: str) -> list[tuple[str, str]]:
    """The (app, migration) rows `database` records as applied."""
    with psycopg.connect(server_url(database)) as connection:
        return connection.execute("SELECT app, name FROM django_migrations").fetchall()
