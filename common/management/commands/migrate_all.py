"""`manage.py migrate_all`: every database alias migrated, once, however many start it
(docs/operations.md, "Connections").

It is a deployment step of its own, never part of a server's start. Two of them started at
once (two replicas' init containers, a job run twice) take turns on a PostgreSQL advisory
lock held on the accounts database: the second waits, then finds nothing left to apply.
Migrations go straight to PostgreSQL (DATABASE_DIRECT_URL_<APP>), past PgBouncer, which in
transaction mode keeps neither the lock's session nor a setting across transactions. Each
migration connection sets `lock_timeout`, so that a migration that needs a table's lock fails
after MIGRATIONS_LOCK_TIMEOUT_SECONDS instead of queueing live traffic behind it."""

import copy
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.migrations.executor import MigrationExecutor

from common.db.databases import direct_connection_params
from common.db.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

# The advisory lock's key (hashed to a number), which no other code locks on.
LOCK_KEY = "autosalon:migrate_all"
LOCK_TRY = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
LOCK_WAIT = "SELECT pg_advisory_lock(hashtextextended(%s, 0))"
LOCK_RELEASE = "SELECT pg_advisory_unlock(hashtextextended(%s, 0))"


def _pending(alias: str) -> int:
    """How many migrations `alias` has yet to apply."""
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _set_lock_timeout(connection: BaseDatabaseWrapper) -> None:
    milliseconds = round(settings.MIGRATIONS_LOCK_TIMEOUT_SECONDS * 1000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{milliseconds}ms"])


@contextmanager
def _migration_connections(aliases: list[str]) -> Iterator[set[str]]:
    """Each PostgreSQL alias's connection straight to the server (its direct address, without
    a pool) with `lock_timeout` set, for the duration; then the settings as they were. Yields
    the aliases switched to their direct address."""
    postgresql = list(aliases)
    saved: dict[str, dict[str, Any]] = {}
    for alias in postgresql:
        direct = settings.DATABASES_DIRECT.get(alias)
        if settings.DATABASE_POOLER and not direct:
            variable = settings.DATABASE_ENV_VARS[alias].replace("_URL_", "_DIRECT_URL_")
            raise CommandError(
                f"DATABASE_POOLER={settings.DATABASE_POOLER}: set {variable}, the server's own "
                "address; migrations do not go through the pooler."
            )
        if direct:
            wrapper = connections[alias]
            wrapper.close()
            # Every PostgreSQL alias is common.db.postgresql's (config/settings/databases.py).
            if isinstance(wrapper, PostgreSQLWrapper) and alias in type(wrapper)._connection_pools:
                wrapper.close_pool()
            saved[alias] = copy.deepcopy(wrapper.settings_dict)
            options = {
                key: value
                for key, value in wrapper.settings_dict["OPTIONS"].items()
                if key not in ("pool", "server_side_binding", "prepare_threshold")
            }
            wrapper.settings_dict.update(
                {key: direct[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
                OPTIONS=options,
            )

    def on_connect(
        sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
    ) -> None:
        if connection.alias in postgresql:
            _set_lock_timeout(connection)

    connection_created.connect(on_connect)
    try:
        for alias in postgresql:
            if connections[alias].connection is not None:  # opened before: set it there too
                _set_lock_timeout(connections[alias])
        yield set(saved)
    finally:
        connection_created.disconnect(on_connect)
        for alias in postgresql:
            wrapper = connections[alias]
            if alias in saved:
                wrapper.close()
                wrapper.settings_dict.clear()
                wrapper.settings_dict.update(saved[alias])
            elif wrapper.connection is not None:  # a pooled connection goes back clean
                with suppress(Exception), wrapper.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")


class Command(BaseCommand):
    help = "Apply migrations on every database alias (each app migrates only on its own)."

    def handle(self, *args: Any, **options: Any) -> None:
        with self._lock():
            self._migrate_all(options["verbosity"])

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """The advisory lock, on its own session straight to the accounts database."""
        with psycopg.connect(**direct_connection_params("default"), autocommit=True) as lock:
            tried = lock.execute(LOCK_TRY, [LOCK_KEY]).fetchone()
            assert tried is not None  # a SELECT without FROM: one row
            if not tried[0]:
                self.stdout.write("Waiting for another migrate_all to finish...")
                self.stdout.flush()
                lock.execute(LOCK_WAIT, [LOCK_KEY])
            try:
                yield
            finally:
                lock.execute(LOCK_RELEASE, [LOCK_KEY])

    def _migrate_all(self, verbosity: int) -> None:
        aliases = list(settings.DATABASES)
        applied = 0
        with _migration_connections(aliases) as direct:
            for alias in aliases:
                pending = _pending(alias)
                self.stdout.write(f"Migrating database '{alias}': {pending} to apply")
                # Even with nothing to apply: post_migrate brings the content types,
                # permissions and groups up to date (accounts/handlers.py).
                call_command(
                    "migrate",
                    database=alias,
                    interactive=False,
                    verbosity=max(verbosity - 1, 0),
                    stdout=self.stdout,
                )
                applied += pending
                if alias in direct:  # one database's connection at a time
                    connections[alias].close()
        self.stdout.write(
            self.style.SUCCESS(f"Applied {applied} migrations on {len(aliases)} databases.")
        )
