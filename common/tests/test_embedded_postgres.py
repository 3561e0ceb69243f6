"""The embedded PostgreSQL (common/db/cluster.py): `make run`'s server without
DATABASE_URL_*, and the suite's own (docs/operations.md, "The embedded PostgreSQL")."""

from io import StringIO

import psycopg
import pytest
from django.core.management import call_command

from common.db.cluster import Cluster

# It starts a PostgreSQL server: one for the module, each test starting it if it is not up.
pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    made = Cluster(tmp_path_factory.mktemp("embedded") / "postgres")
    yield made
    made.remove()


def test_a_cluster_is_made_once_started_again_with_its_data_and_stopped(cluster):
    assert not cluster.running()
    cluster.start()
    assert (cluster.data_dir / "PG_VERSION").exists()
    assert cluster.create_databases(["autosalon_catalog", "autosalon_crm"]) == [
        "autosalon_catalog",
        "autosalon_crm",
    ]
    with psycopg.connect(cluster.url("autosalon_catalog"), autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (name text)")
        connection.execute("INSERT INTO kept VALUES ('Камри')")
    cluster.stop()
    assert not cluster.running()

    cluster.start()  # the same files: nothing made again, the rows still there
    assert cluster.running()
    assert cluster.create_databases(["autosalon_catalog", "autosalon_orders"]) == [
        "autosalon_orders"
    ]
    with psycopg.connect(cluster.url("autosalon_catalog")) as connection:
        assert connection.execute("SELECT name FROM kept").fetchall() == [("Камри",)]
    # Only its socket: no TCP port.
    assert cluster.url().startswith("postgresql://postgres@%2F")
    with psycopg.connect(cluster.url()) as connection:
        assert connection.execute("SHOW listen_addresses").fetchone() == ("",)


def test_it_has_what_the_search_needs_in_every_script(cluster):
    """The Russian snowball stemmer, pg_trgm and btree_gist (catalog/search.py, the showroom's
    exclusion constraint), and Unicode case for Cyrillic with no OS locale (the builtin
    C.UTF-8), which ILIKE and lower() use."""
    cluster.start()
    cluster.create_databases(["search"])
    with psycopg.connect(cluster.url("search"), autocommit=True) as connection:
        connection.execute("CREATE EXTENSION pg_trgm")
        connection.execute("CREATE EXTENSION btree_gist")
        row = connection.execute(
            "SELECT to_tsvector('russian', 'Кроссоверы'), lower('ЛАДА ВЕСТА'),"
            " 'Тойота Камри' ILIKE '%камри%', word_similarity('kamri', 'toiota kamri')"
        ).fetchone()
    assert row == ("'кроссовер':1", "лада веста", True, 1.0)


def test_the_command_starts_nothing_when_no_database_is_on_it(settings, tmp_path):
    """Services mode: every alias names a server of its own (the suite's databases do)."""
    settings.EMBEDDED_POSTGRES_DIR = tmp_path / "postgres"
    out = StringIO()
    call_command("embedded_postgres", "start", stdout=out)
    call_command("embedded_postgres", "status", stdout=out)

    assert "not started" in out.getvalue()
    assert "stopped" in out.getvalue() and "(0 databases on it)" in out.getvalue()
    assert not (tmp_path / "postgres" / "PG_VERSION").exists()


def test_the_command_starts_the_cluster_of_the_databases_on_it_and_stops_it(settings, cluster):
    cluster.stop()
    settings.EMBEDDED_POSTGRES_DIR = cluster.data_dir
    settings.DATABASES = {
        alias: {**database, "HOST": str(cluster.socket_dir), "NAME": f"embedded_{alias}"}
        for alias, database in settings.DATABASES.items()
        if alias in ("default", "crm")
    }
    out = StringIO()
    call_command("embedded_postgres", "start", stdout=out)
    assert cluster.running()
    with psycopg.connect(cluster.url()) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'embedded_%' ORDER BY 1"
        ).fetchall()
    assert names == [("embedded_crm",), ("embedded_default",)]
    assert "2 databases created" in out.getvalue()
    call_command("embedded_postgres", "status", stdout=out)
    assert "running" in out.getvalue() and "(2 databases on it)" in out.getvalue()
    call_command("embedded_postgres", "stop", stdout=out)
    assert not cluster.running()
