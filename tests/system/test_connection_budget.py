"""The connection budget (docs/operations.md, "Connections"): each process kind's pool size,
every connection named `autosalon-<kind>`, and what Django needs behind PgBouncer in
transaction mode, on real processes, a real PgBouncer and PostgreSQL's own view of its
connections (pg_stat_activity)."""

import csv
import json
import runpy
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import psycopg
import psycopg.rows
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from crm.models import Client
from tests.databases import server_url
from tests.pgbouncer import PgBouncer, behind, in_front_of_the_test_server
from tests.processes import (
    HttpServer,
    RelayProcess,
    Worker,
    databases_over_tcp,
    stop_together,
    wait_for,
)

# Processes and PostgreSQL's connections counted: the machine to itself (docs/conventions.md).
pytestmark = pytest.mark.xdist_group("machine")

ROOT = Path(__file__).resolve().parents[2]
# The suite's PostgreSQL server's TCP port, which every process's connections are sampled on.
SERVER_PORT = int(settings.DATABASES["default"]["PORT"] or 5432)
BASE_SETTINGS = ROOT / "config" / "settings" / "base.py"


# Settings: the pools per kind -------------------------------------------------------------


def base_settings(monkeypatch, **variables) -> dict:
    """config/settings/base.py read afresh with the test's environment and `variables`, and so
    are the settings modules it gathers (config/settings/*.py and each app's settings.py): the
    test's own are back in place after it."""
    for name in ("DATABASE_POOL_MAX_SIZE", "DATABASE_POOL_MIN_SIZE", "DATABASE_POOLER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    apps = {f"{app}.settings" for app in settings.DOMAIN_APPS}
    for name in [name for name in sys.modules if name.startswith("config.settings.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in apps & set(sys.modules):
        monkeypatch.delitem(sys.modules, name)
    return runpy.run_path(str(BASE_SETTINGS))


@pytest.mark.parametrize(
    ("kind", "min_size", "max_size"),
    [
        ("web", 1, 4),
        ("ws", 1, 4),
        ("worker", 0, 1),
        ("relay", 0, 1),
        ("beat", 0, 1),
        ("command", 0, 4),
    ],
)
def test_each_kind_gets_its_pool_and_names_its_connections(monkeypatch, kind, min_size, max_size):
    read = base_settings(monkeypatch, AUTOSALON_PROCESS_KIND=kind)

    for alias, database in read["DATABASES"].items():
        options = database["OPTIONS"]
        assert (options["pool"]["min_size"], options["pool"]["max_size"]) == (min_size, max_size)
        assert options["application_name"] == f"autosalon-{kind}", alias
        assert "DISABLE_SERVER_SIDE_CURSORS" not in database


def test_the_pool_sizes_are_overridden_for_all_kinds_and_for_one(monkeypatch):
    wide = {"DATABASE_POOL_MAX_SIZE": "6", "DATABASE_POOL_MIN_SIZE": "0"}
    web = base_settings(monkeypatch, AUTOSALON_PROCESS_KIND="web", **wide)
    worker = base_settings(monkeypatch, AUTOSALON_PROCESS_KIND="worker", **wide)
    threaded_worker = base_settings(
        monkeypatch, AUTOSALON_PROCESS_KIND="worker", DATABASE_POOL_MAX_SIZE_WORKER="3"
    )
    warm_relay = base_settings(
        monkeypatch, AUTOSALON_PROCESS_KIND="relay", DATABASE_POOL_MIN_SIZE_RELAY="1"
    )

    def pool(read):
        options = read["DATABASES"]["orders"]["OPTIONS"]["pool"]
        return options["min_size"], options["max_size"]

    assert pool(web) == (0, 6)
    assert pool(worker) == (0, 1)  # one thread: one connection is all it can use
    assert pool(threaded_worker) == (0, 3)
    assert pool(warm_relay) == (1, 1)
    with pytest.raises(ImproperlyConfigured, match="min_size 3 and max_size 1"):
        base_settings(monkeypatch, AUTOSALON_PROCESS_KIND="beat", DATABASE_POOL_MIN_SIZE="3")


def test_behind_pgbouncer_nothing_outlives_a_transaction_on_the_server(monkeypatch):
    read = base_settings(monkeypatch, AUTOSALON_PROCESS_KIND="web", DATABASE_POOLER="pgbouncer")

    for database in read["DATABASES"].values():
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert database["OPTIONS"]["server_side_binding"] is False
        assert database["OPTIONS"]["prepare_threshold"] is None
        assert "options" not in database["OPTIONS"]  # PgBouncer refuses startup options


def test_an_unknown_pooler_is_refused_naming_the_known_ones(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_POOLER='pgpool'.*pgbouncer"):
        base_settings(monkeypatch, DATABASE_POOLER="pgpool")


def test_a_database_url_that_is_not_postgresql_is_refused_naming_it(monkeypatch):
    """One SQL dialect everywhere (docs/architecture.md §3.1): no other engine is read."""
    monkeypatch.setenv("DATABASE_URL_CRM", "mysql://root@127.0.0.1/crm")
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL_CRM names a .*mysql"):
        base_settings(monkeypatch)


def test_without_a_url_each_database_is_on_the_embedded_postgresql(monkeypatch, tmp_path):
    """`make run`'s default: every database on the embedded cluster's socket under the
    files' directory, each with its pool as any PostgreSQL database has."""
    for variable in ("DATABASE_URL_ACCOUNTS", "DATABASE_URL_CRM"):
        monkeypatch.delenv(variable)
    read = base_settings(monkeypatch, AUTOSALON_VAR_DIR=str(tmp_path))

    for alias in ("default", "crm"):
        database = read["DATABASES"][alias]
        assert database["ENGINE"] == "common.db.postgresql"
        assert database["HOST"] == str(tmp_path / "postgres-socket")
        assert (database["PORT"], database["USER"]) == (5432, "postgres")
        assert "pool" in database["OPTIONS"]
    assert read["DATABASES"]["crm"]["NAME"] == "autosalon_crm"
    assert read["DATABASES"]["default"]["NAME"] == "autosalon_accounts"
    assert read["DATABASES"]["orders"]["HOST"] == settings.DATABASES["orders"]["HOST"]


# Real processes ---------------------------------------------------------------------------


def suite_databases() -> list[str]:
    return [connections[alias].settings_dict["NAME"] for alias in connections.settings]


def postgresql_connections(datnames: list[str]) -> list[tuple]:
    """(datname, application_name, client_port) of every backend on those databases."""
    with psycopg.connect(server_url("postgres", tcp=True), autocommit=True) as connection:
        return connection.execute(
            "SELECT datname, application_name, client_port FROM pg_stat_activity "
            "WHERE datname = ANY(%s) AND backend_type = 'client backend'",
            [datnames],
        ).fetchall()


def local_ports(pid: int, remote_port: int) -> set[int]:
    """The local ports of `pid`'s TCP connections to `remote_port` on this host."""
    try:
        return {
            sock.laddr.port
            for sock in psutil.Process(pid).net_connections(kind="tcp")
            if sock.raddr and sock.raddr.port == remote_port
        }
    except psutil.NoSuchProcess:
        return set()


def pgbouncer_clients(bouncer: PgBouncer, database: str) -> list[tuple]:
    """(database, application_name, client_port) of PgBouncer's clients of `database`, from
    its admin console."""
    with psycopg.connect(bouncer.url("pgbouncer"), autocommit=True) as console:
        cursor = console.cursor(row_factory=psycopg.rows.dict_row)
        rows = cursor.execute("SHOW CLIENTS").fetchall()
    return [
        (row["database"], row["application_name"], row["port"])
        for row in rows
        if row["database"] == database
    ]


def with_children(pid: int) -> list[int]:
    return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]


class Sampler:
    """Connections sampled every tenth of a second in a thread of its own (`rows`: database,
    application_name and client port of each), each attributed to the process whose socket
    is its client: the most connections each process held at once per database, and the
    names they gave."""

    def __init__(self, processes: dict[str, list[int]], rows: Callable, port: int):
        self.processes, self.rows, self.port = processes, rows, port
        self.most: dict[tuple[int, str], int] = defaultdict(int)
        self.names: dict[str, set[str]] = defaultdict(set)  # kind -> application names
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def sample(self) -> None:
        owner = {
            port: (kind, pid)
            for kind, pids in self.processes.items()
            for pid in pids
            for port in local_ports(pid, self.port)
        }
        held: dict[tuple[int, str], int] = defaultdict(int)
        for datname, application_name, client_port in self.rows():
            if client_port in owner:
                kind, pid = owner[client_port]
                held[pid, datname] += 1
                self.names[kind].add(application_name)
        for key, count in held.items():
            self.most[key] = max(self.most[key], count)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.sample()
                time.sleep(0.1)
        except Exception as exc:  # noqa: BLE001 (raised in the test, by running())
            self.failure = exc

    @contextmanager
    def running(self):
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
        if self.failure:
            raise self.failure


@pytest.mark.process
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_web_worker_and_relay_name_their_connections_and_hold_at_most_their_pools(tmp_path, broker):
    from common.tasks import events_relay_task

    # Over TCP, where each connection's client port tells whose it is.
    tcp = databases_over_tcp()
    worker = Worker(tmp_path / "worker.log", env=tcp).start()
    web = HttpServer(tmp_path / "http.log", workers=2, env=tcp).start()
    relay = RelayProcess(tmp_path / "relay.log", env=tcp).start()
    try:
        wait_for(lambda: len(web.worker_pids()) == 2, message="granian's two workers")
        processes = {
            "web": web.worker_pids(),
            "worker": with_children(worker.process.pid),
            "relay": [relay.process.pid],
        }
        sampler = Sampler(
            processes, lambda: postgresql_connections(suite_databases()), port=SERVER_PORT
        )
        with sampler.running(), httpx.Client(base_url=web.url, timeout=30) as http:

            def load(n):
                for i in range(3):
                    wrong = {"email": f"nobody-{n}-{i}@example.com", "password": "Not-it-1"}
                    assert http.get("/api/v1/catalog/products/").status_code == 200
                    assert http.post("/api/v1/auth/token", json=wrong).status_code == 401

            events_relay_task.delay()  # the worker's child touches every outbox database
            with ThreadPoolExecutor(max_workers=4) as threads:  # a failing thread fails map
                list(threads.map(load, range(4)))
            wait_for(
                lambda: any(pid in processes["worker"] for pid, _ in sampler.most),
                message="the worker's task on its databases",
            )
    finally:
        stop_together([relay, web, worker])

    assert sampler.names == {
        "web": {"autosalon-web"},
        "worker": {"autosalon-worker"},
        "relay": {"autosalon-relay"},
    }
    web_databases = {datname for pid, datname in sampler.most if pid in processes["web"]}
    aliases = {name: alias for alias, name in zip(connections, suite_databases(), strict=True)}
    assert {aliases[name] for name in web_databases} >= {"default", "catalog"}
    pool = {"web": 4, "worker": 1, "relay": 1 + 1}  # the relay LISTENs outside its pool
    for (pid, datname), count in sampler.most.items():
        kind = next(kind for kind, pids in processes.items() if pid in pids)
        assert 1 <= count <= pool[kind], f"{kind} process {pid} held {count} on {datname}"


@pytest.fixture
def bouncer(tmp_path):
    with in_front_of_the_test_server(tmp_path / "pgbouncer", pool_size=1) as running:
        yield running


@pytest.mark.process
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_behind_pgbouncer_postgresql_holds_only_its_pool_while_the_api_writes_and_reads(
    tmp_path, bouncer
):
    from accounts.models import User

    accounts = connections["default"].settings_dict["NAME"]
    # As in production, each web worker keeps a connection per database open (the suite's
    # servers otherwise keep none, tests.processes.environment): the web side's connections
    # then outnumber PgBouncer's pool whatever the sampling catches of the requests' own.
    web = HttpServer(
        tmp_path / "http.log", workers=2, env={**behind(bouncer), "DATABASE_POOL_MIN_SIZE": "1"}
    ).start()
    try:
        sampler = Sampler(
            {"pgbouncer": [bouncer.process.pid]},
            lambda: postgresql_connections([accounts]),
            port=SERVER_PORT,
        )
        clients = Sampler(
            {"web": web.worker_pids()},
            lambda: pgbouncer_clients(bouncer, accounts),
            port=bouncer.port,
        )
        started = time.time()
        # Six sign-ups at once hash six passwords on two workers: on a loaded machine one
        # waits past httpx's default 5 s (seen in a fresh-clone run), which says nothing of
        # the pool this test counts.
        with (
            sampler.running(),
            clients.running(),
            httpx.Client(base_url=web.url, timeout=30) as http,
        ):

            def sign_up(n):
                email = f"pooled-{n}@example.com"
                account = {"email": email, "password": "Sturdy-pass-2026", "full_name": "P"}
                assert http.post("/api/v1/auth/register", json=account).status_code == 201
                credentials = {"email": email, "password": account["password"]}
                token = http.post("/api/v1/auth/token", json=credentials).json()["access_token"]
                me = http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
                assert me.json()["email"] == email
                assert http.get("/health/components").status_code == 200

            with ThreadPoolExecutor(max_workers=6) as threads:  # a failing thread fails map
                list(threads.map(sign_up, range(6)))
        finished = time.time()
    finally:
        web.stop()

    users = User.objects.filter(email__startswith="pooled-")
    assert users.count() == 6
    for user in users:
        assert started - 1 <= user.created_at.timestamp() <= finished + 1
    # Between PgBouncer and PostgreSQL: at most its pool, whatever the web processes hold.
    held = [count for (_, datname), count in sampler.most.items() if datname == accounts]
    assert held and max(held) <= bouncer.pool_size
    assert sampler.names["pgbouncer"] <= {"autosalon-web"}
    # The web side held more: a connection per worker at least, and the checks' threads.
    assert sum(clients.most.values()) > bouncer.pool_size


SCRIPT_TIME_ZONE = """
import json, threading, psycopg
from django.db import connections
seen = {"django": [], "raw": []}
barrier = threading.Barrier(4)
def django():
    barrier.wait()
    for _ in range(40):
        with connections["crm"].cursor() as cursor:
            cursor.execute("SELECT current_setting('TimeZone'), pg_backend_pid()")
            seen["django"].append(cursor.fetchone())
    connections.close_all()
def raw():
    # No prepared statements, as behind any transaction pooler (the app's own setting).
    with psycopg.connect(RAW_URL, autocommit=True, prepare_threshold=None) as connection:
        barrier.wait()
        for _ in range(40):
            seen["raw"].append(
                connection.execute("SELECT current_setting('TimeZone'), pg_backend_pid()")
                .fetchone()
            )
errors = []
def guarded(target):
    def run():
        try:
            target()
        except BaseException as exc:
            errors.append(repr(exc))
            barrier.abort()
    return run
threads = [threading.Thread(target=guarded(t)) for t in (django, django, raw, raw)]
[t.start() for t in threads]
[t.join() for t in threads]
if errors:  # a thread that failed fails the script, and the test
    raise SystemExit(f"threads failed: {errors}")
print(json.dumps(seen))
"""


@pytest.fixture
def crm_in_tokyo():
    """The test's crm database opens its sessions in Tokyo time, as a server configured for
    local time would."""
    name = connections["crm"].settings_dict["NAME"]
    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {name} SET timezone = 'Asia/Tokyo'")
        try:
            yield
        finally:
            connection.execute(f"ALTER DATABASE {name} RESET timezone")


@pytest.mark.process
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_behind_pgbouncer_django_reads_utc_on_every_server_connection(bouncer, crm_in_tokyo):
    env = behind(bouncer)
    script = SCRIPT_TIME_ZONE.replace("RAW_URL", repr(env["DATABASE_URL_CRM"]))

    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(seen["django"]) == len(seen["raw"]) == 80  # every thread's every query
    assert {zone for zone, _ in seen["django"]} == {"UTC"}
    assert {zone for zone, _ in seen["raw"]} == {"Asia/Tokyo"}  # the server's own default
    # The same server connections served both: PgBouncer set each client's zone again.
    assert {pid for _, pid in seen["django"]} & {pid for _, pid in seen["raw"]}


@contextmanager
def sessions_reset_between_transactions(url: str):
    """Another client of PgBouncer's one server connection, resetting its session (DISCARD
    ALL, as a pooler may) between any two transactions of the others, until the block ends."""
    stop, resets, failures = threading.Event(), [], []

    def reset():
        try:
            with psycopg.connect(url, autocommit=True, prepare_threshold=None) as connection:
                while not stop.is_set():
                    connection.execute("DISCARD ALL")
                    resets.append(1)
        except Exception as exc:  # noqa: BLE001 (raised in the test, below)
            failures.append(exc)

    thread = threading.Thread(target=reset)
    thread.start()
    try:
        yield resets
    finally:
        stop.set()
        thread.join()
    assert not failures, failures


@pytest.mark.process
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_behind_pgbouncer_the_crm_export_reads_page_by_page(tmp_path, bouncer, crm_in_tokyo):
    Client.objects.bulk_create(Client(name=f"Client {n:04}") for n in range(1201))
    exported = tmp_path / "clients.csv"
    env = behind(bouncer)

    with sessions_reset_between_transactions(env["DATABASE_URL_CRM"]) as resets:
        done = subprocess.run(
            [sys.executable, "manage.py", "crm_export", "--output", str(exported)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert done.returncode == 0, done.stderr
    assert resets  # the export's transactions and the resets took turns
    assert "Exported 1201 clients." in done.stderr
    header, *rows = list(csv.reader(exported.read_text().splitlines()))
    id_at, created_at = header.index("id"), header.index("created_at")
    # Every client once, its time in UTC although the server's sessions start in Tokyo.
    assert sorted((row[id_at], row[created_at]) for row in rows) == sorted(
        (str(client.id), str(client.created_at)) for client in Client.objects.all()
    )
