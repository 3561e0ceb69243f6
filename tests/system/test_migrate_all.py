"""`manage.py migrate_all` (docs/operations.md, "Connections"): however many start at once,
one migrates and the others wait for it, then find nothing to do; every migration goes
straight to PostgreSQL with a `lock_timeout`, never through the pooler."""

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from common.management.commands.migrate_all import _migration_connections
from tests.databases import empty_databases, migrations_applied, server_url
from tests.processes import environment, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_databases():
    """A new, empty PostgreSQL database per alias, of this test's own, dropped afterwards."""
    with empty_databases("migrate_all") as names:
        yield names


def tables(name: str) -> set[str]:
    with psycopg.connect(server_url(name)) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {table for (table,) in rows}


@pytest.mark.process
def test_two_started_at_once_migrate_once_straight_to_postgresql(fresh_databases):
    # Given the pooler's addresses lead nowhere: only the direct ones reach PostgreSQL
    nowhere = free_port()
    env = {**environment(), "DATABASE_POOLER": "pgbouncer"}
    for alias, variable in settings.DATABASE_ENV_VARS.items():
        env[variable] = f"postgresql://postgres@127.0.0.1:{nowhere}/{fresh_databases[alias]}"
        direct = variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")
        env[direct] = server_url(fresh_databases[alias])
    command = [sys.executable, "manage.py", "migrate_all"]

    # When two start at once
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]

    # Then one migrated everything, the other waited, then had nothing to apply
    assert [run.returncode for run in runs] == [0, 0], outputs
    waited = [output for output in outputs if "Waiting for another migrate_all" in output]
    assert len(waited) == 1, outputs
    migrated = next(output for output in outputs if output is not waited[0])
    count = len(settings.DATABASES)  # every app's database, and the default's
    applied = re.search(rf"Applied (\d+) migrations on {count} databases", migrated)
    assert applied, migrated
    total = int(applied[1])
    assert total > 0
    assert f"Applied 0 migrations on {count} databases" in waited[0]
    assert re.findall(r"'(\w+)': 0 to apply", waited[0]) == list(fresh_databases)
    # And each database holds its migrations once: on a new database each app's squash
    # (docs/conventions.md, "Migrations"), recorded with the migrations it replaces
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    expected = set(graph.nodes) | {
        replaced for key in graph.nodes for replaced in graph.nodes[key].replaces
    }
    assert total == len(graph.nodes) * len(fresh_databases)
    rows = {alias: migrations_applied(name) for alias, name in fresh_databases.items()}
    for alias, names in rows.items():
        assert len(set(names)) == len(names), alias
        assert set(names) == expected, alias
    assert ("orders", "0001_initial") in rows["orders"]
    assert {"orders_order"} <= tables(fresh_databases["orders"])
    assert not {"orders_order", "accounts_user"} & tables(fresh_databases["catalog"])


@pytest.mark.django_db(databases="__all__")
def test_every_migration_connection_has_the_lock_timeout_and_gives_it_back(settings):
    settings.MIGRATIONS_LOCK_TIMEOUT_SECONDS = 3

    def lock_timeout(alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    before = lock_timeout("orders")
    with _migration_connections(list(settings.DATABASES)):
        during = {alias: lock_timeout(alias) for alias in settings.DATABASES}
    assert during == dict.fromkeys(settings.DATABASES, "3s")
    assert lock_timeout("orders") == before == "0"


@pytest.mark.django_db(databases="__all__")
def test_behind_a_pooler_it_refuses_to_migrate_without_the_direct_addresses(settings):
    settings.DATABASE_POOLER = "pgbouncer"
    settings.DATABASES_DIRECT = dict.fromkeys(settings.DATABASES)

    with pytest.raises(CommandError, match="set DATABASE_DIRECT_URL_ACCOUNTS"):
        call_command("migrate_all", verbosity=0)
