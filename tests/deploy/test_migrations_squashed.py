"""The squashed migrations (docs/conventions.md, "Migrations"): a database built from the
migrations they replace, holding rows in every app, migrates to the squashed state without
applying anything and without losing a row; and its schema is the one the squashed
migrations build on an empty database (the suite's own test databases, which the squashed
migrations built), column for column, constraint for constraint.

Each step runs `manage.py` in a process of its own, on databases of the test's own."""

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections

from tests.databases import empty_databases, migrations_applied, server_url
from tests.processes import environment

pytestmark = [pytest.mark.process, pytest.mark.xdist_group("machine")]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def old():
    """An empty database per alias, dropped afterwards."""
    with empty_databases("squash_old") as names:
        yield names


@pytest.fixture
def fresh(django_db_setup) -> dict[str, str]:
    """The suite's test databases, built from empty by the squashed migrations."""
    return {alias: connections[alias].settings_dict["NAME"] for alias in settings.DATABASES}


@pytest.fixture
def replaced_migrations(tmp_path) -> Path:
    """A settings module whose migrations are the ones each squash replaces, copied from the
    apps' migration folders into packages of their own."""
    package = tmp_path / "replaced"
    modules = {}
    # A migration made after a squash depends on it: in the copy, on the last one it replaced.
    renamed = {}
    for path in ROOT.glob("*/migrations/0*_squashed_*.py"):
        squashed = import_module(f"{path.parent.parent.name}.migrations.{path.stem}")
        renamed[path.stem] = squashed.Migration.replaces[-1][1]
    for app in settings.APP_DATABASES:
        folder = package / app
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        for migration in (ROOT / app / "migrations").glob("0*.py"):
            if "_squashed_" not in migration.name:
                source = migration.read_text()
                for squash, last in renamed.items():
                    source = source.replace(squash, last)
                (folder / migration.name).write_text(source)
        modules[app] = f"replaced.{app}"
    (package / "__init__.py").write_text("")
    (tmp_path / "replaced_settings.py").write_text(
        f"from config.settings.test import *  # noqa: F403\nMIGRATION_MODULES = {modules!r}\n"
    )
    return tmp_path


def manage(databases: dict[str, str], *args: str, settings_module="config.settings.test", path=""):
    env = {
        **environment(),
        **{
            settings.DATABASE_ENV_VARS[alias]: server_url(name) for alias, name in databases.items()
        },
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": path,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def rows(name: str) -> dict[str, str]:
    """Each table's rows in database `name`, as an order-independent digest."""
    with psycopg.connect(server_url(name)) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'django_migrations'"
        ).fetchall()
        digests = {}
        for (table,) in tables:
            (digests[table],) = connection.execute(
                f"SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY"
                f" md5(t::text))), '') FROM \"{table}\" t"
            ).fetchall()[0]
        return digests


def schema(name: str) -> dict[str, set]:
    """Database `name`'s schema, whatever order its columns came in and whatever names its
    indexes and constraints were given along the way."""
    with psycopg.connect(server_url(name)) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name, data_type, character_maximum_length,"
            " numeric_precision, numeric_scale, is_nullable, column_default"
            " FROM information_schema.columns WHERE table_schema = 'public'"
        ).fetchall()
        constraints = connection.execute(
            "SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        ).fetchall()
        indexes = connection.execute(
            "SELECT tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON ', "
            "'CREATE \\1INDEX ON ') FROM pg_indexes WHERE schemaname = 'public'"
        ).fetchall()
        extensions = connection.execute("SELECT extname FROM pg_extension").fetchall()
    return {
        "columns": set(columns),
        "constraints": set(constraints),
        "indexes": set(indexes),
        "extensions": set(extensions),
    }


# The mark has the suite's test databases built for every alias, even when this test runs alone.
# Nine databases built from the replaced migrations, filled and moved: the long stage's.
@pytest.mark.soak
@pytest.mark.django_db(databases="__all__")
def test_a_database_built_from_the_replaced_migrations_moves_to_the_squash_losing_nothing(
    old, fresh, replaced_migrations
):
    replaced = {"settings_module": "replaced_settings", "path": str(replaced_migrations)}
    manage(old, "migrate_all", **replaced)
    manage(old, "seed_demo", "--no-history", "--verbosity", "0", **replaced)
    before = {alias: rows(name) for alias, name in old.items()}
    held = {
        alias
        for alias, tables in before.items()
        if any(not t.startswith("0:") for t in tables.values())
    }
    assert held == set(settings.DATABASES)  # a row in every app's database

    recorded = {alias: set(migrations_applied(name)) for alias, name in old.items()}
    migrated = manage(old, "migrate_all")

    assert {alias: rows(name) for alias, name in old.items()} == before
    for alias in settings.DATABASES:
        # The squash is known as applied, as the migrations it replaces are: nothing replayed.
        assert f"Migrating database '{alias}': 0 to apply" in migrated
        squashes = set(migrations_applied(old[alias])) - recorded[alias]
        assert squashes and all("_squashed_" in name for _app, name in squashes), squashes
    for alias in settings.DATABASES:
        assert schema(old[alias]) == schema(fresh[alias]), alias
