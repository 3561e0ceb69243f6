"""The suite's databases: each worker's cloned from templates migrated once per run; and
databases of a test's own on the test server, beside the suite's, for the tests that
migrate, break or compare whole databases (docs/conventions.md, "Tests")."""

import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connections, transaction

from common.db.postgresql.base import KEPT_ON_FLUSH
from common.db.postgresql.base import DatabaseWrapper as PostgreSQLWrapper


def database_url(db: dict[str, Any], name: str | None = None, *, tcp: bool = False) -> str:
    """The libpq URL of the database `db` (a DATABASES entry) or of `name` on its server. A
    Unix socket's directory is the host, percent-encoded; with `tcp`, the server's TCP port
    on 127.0.0.1 instead (the suite's own server listens on both, scripts/run_tests.py)."""
    host = db["HOST"]
    if host.startswith("/"):
        host = "127.0.0.1" if tcp else quote(host, safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{name or db['NAME']}"


def server_url(database: str, *, tcp: bool = False) -> str:
    """The address of `database` on the server the suite's databases are on."""
    return database_url(connections["default"].settings_dict, database, tcp=tcp)


def connection_closed(alias: str) -> None:
    """Close `alias`'s connection and its pool's, as before its settings change."""
    connection = connections[alias]
    connection.close()
    if isinstance(connection, PostgreSQLWrapper):
        connection.close_pool()


# The templates: each made under a lock of its own by the first worker to take it; a worker
# whose template is taken makes the next one, then waits on those still being made.
TEMPLATES_LOCK = "autosalon:test-templates"
TEMPLATE_MARK = "autosalon test template"


# Each alias's template, named for the database its URL names (test_autosalon_<run>_<app>),
# as the settings had it before its clone took its place.
_templates: dict[str, str] = {}


def template_name(alias: str) -> str:
    if alias not in _templates:
        _templates[alias] = f"test_{connections[alias].settings_dict['NAME']}"
    return _templates[alias]


def _templates_made(aliases: list[str]) -> None:
    """Migrate a template database per alias, once per run. The workers share the work: each
    takes the templates nobody has taken (trying their locks without waiting), from its own
    end of the list, then waits for the rest. A template is marked (its comment) only once
    its migrations and their post_migrate rows are in: migrating the twelve one after the
    other kept one core busy for half a minute while the other waited."""
    with psycopg.connect(server_url("postgres"), autocommit=True) as server:

        def made() -> set[str]:
            rows = server.execute(
                "SELECT datname FROM pg_database d JOIN pg_shdescription s ON s.objoid = d.oid"
                " WHERE s.description = %s",
                [TEMPLATE_MARK],
            )
            return {name for (name,) in rows}

        def locked(alias: str, *, wait: bool) -> bool:
            function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            key = f"{TEMPLATES_LOCK}:{template_name(alias)}"
            row = server.execute(f"SELECT {function}(hashtextextended(%s, 0))", [key]).fetchone()
            return wait or bool(row and row[0])

        def unlock(alias: str) -> None:
            key = f"{TEMPLATES_LOCK}:{template_name(alias)}"
            server.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])

        for wait in (False, True):
            for alias in aliases:
                if template_name(alias) in made() or not locked(alias, wait=wait):
                    continue
                try:
                    if template_name(alias) not in made():
                        _template_migrate(alias)
                        server.execute(
                            f"COMMENT ON DATABASE \"{template_name(alias)}\" IS '{TEMPLATE_MARK}'"
                        )
                finally:
                    unlock(alias)


def _template_migrate(alias: str) -> None:
    connection = connections[alias]
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = template_name(alias)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection_closed(alias)
    connection.settings_dict["NAME"] = original


def databases_cloned(worker: str) -> list[str]:
    """Point every alias at a database of `worker`'s own, cloned from the run's template
    (`_templates_made`): a copy of files, where migrating takes seconds. The clones commit
    without waiting for the disk (`synchronous_commit = off`), a setting PostgreSQL keeps per
    database, not in a template: no test database outlives a crash of the server, and every
    commit of the suite, its servers and workers returns without a flush. Returns the clones'
    names."""
    aliases = list(settings.DATABASES)
    # The second worker starts from the other end: the two meet in the middle.
    _templates_made(aliases[::-1] if worker.endswith(("1", "3", "5", "7", "9")) else aliases)
    clones = {alias: f"{template_name(alias)}_{worker}" for alias in aliases}
    with psycopg.connect(server_url("postgres"), autocommit=True) as server:
        for alias, clone in clones.items():
            server.execute(f'DROP DATABASE IF EXISTS "{clone}"')
            server.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{template_name(alias)}"')
            server.execute(f'ALTER DATABASE "{clone}" SET synchronous_commit = off')
    for alias, clone in clones.items():
        connection_closed(alias)
        connection = connections[alias]
        connection.settings_dict["NAME"] = clone
        connection.settings_dict["TEST"]["NAME"] = clone
    return list(clones.values())


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


# The demo data, seeded once (conftest.py, `demo_data`) -------------------------------------
# What a flush keeps, and the migrations' history: not the demo's rows.
_NOT_DEMO_ROWS = {"django_migrations", *KEPT_ON_FLUSH}


def rows_snapshot() -> dict[str, list[tuple[str, bytes]]]:
    """Every row of every database (but what a flush keeps), table by table, as
    PostgreSQL's COPY writes it."""
    snapshot: dict[str, list[tuple[str, bytes]]] = {}
    for alias in connections:
        connection = connections[alias]
        tables = []
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor)
            for table in sorted(set(names) - _NOT_DEMO_ROWS):
                quoted = connection.ops.quote_name(table)
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                    body = b"".join(bytes(chunk) for chunk in copy)
                if body:
                    tables.append((table, body))
        snapshot[alias] = tables
    return snapshot


def rows_restore(snapshot: dict[str, list[tuple[str, bytes]]]) -> None:
    """Put a snapshot's rows back, each database in one transaction (its foreign keys are
    checked at the commit, whatever order the tables come in); inside a test's own
    transaction, they go with its rollback. A row already there (what a migration or a
    `post_migrate` put in, such as the documents' first templates) is left as it is."""
    for alias, tables in snapshot.items():
        connection = connections[alias]
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for table, body in tables:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"CREATE TEMPORARY TABLE restored (LIKE {quoted})")
                with cursor.cursor.copy("COPY restored FROM STDIN") as copy:
                    copy.write(body)
                cursor.execute(
                    f"INSERT INTO {quoted} SELECT * FROM restored ON CONFLICT DO NOTHING;"
                    " DROP TABLE restored"
                )
