"""Databases of a test's own on the test server, beside the suite's: for the tests that
migrate, break or compare whole databases."""

import uuid
from collections.abc import Iterator
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
    with psycopg.connect(server_url("postgres"), autocommit=True) as server:
        for name in names.values():
            server.execute(f'CREATE DATABASE "{name}"')
        try:
            yield names
        finally:
            for name in names.values():
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrations_applied(database: str) -> list[tuple[str, str]]:
    """The (app, migration) rows `database` records as applied."""
    with psycopg.connect(server_url(database)) as connection:
        return connection.execute("SELECT app, name FROM django_migrations").fetchall()
