"""A PgBouncer of the test's own (Debian's `pgbouncer`), on a free port, in transaction
pooling mode in front of the test server, as docker-compose.yml and the Kubernetes base run
it (docs/operations.md, "Connections"). A test may stop or kill it; never the machine's
PostgreSQL."""

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from django.conf import settings
from django.db import connections

from tests.databases import database_url
from tests.processes import environment, free_port, wait_for

# PgBouncer refuses to run as root; it then runs as this user.
UNPRIVILEGED_USER = "postgres"


class PgBouncer:
    def __init__(self, directory: Path, *, server: str, pool_size: int = 10):
        """`server`: a postgresql:// URL of the PostgreSQL server it pools (any database)."""
        self.directory = directory
        self.server = urlsplit(server)
        # The host as libpq reads it: a Unix socket's directory, percent-encoded in the URL
        # (urlsplit's `hostname` would lower its case).
        host, _, port = self.server.netloc.rpartition("@")[2].partition(":")
        self.server_host, self.server_port = unquote(host), int(port or 5432)
        self.pool_size = pool_size
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def _config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        users = self.directory / "users.txt"
        users.write_text(f'"{self.server.username}" ""\n')
        config = self.directory / "pgbouncer.ini"
        config.write_text(
            "\n".join(
                [
                    "[databases]",
                    # Every database name to the same name on the server.
                    f"* = host={self.server_host} port={self.server_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {users}",
                    "pool_mode = transaction",
                    f"default_pool_size = {self.pool_size}",
                    "max_client_conn = 2000",
                    f"admin_users = {self.server.username}",
                    "",
                ]
            )
        )
        if os.geteuid() == 0:
            shutil.chown(self.directory, UNPRIVILEGED_USER)
            for path in (users, config):
                shutil.chown(path, UNPRIVILEGED_USER)
        return config

    def command(self) -> list[str]:
        program = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        user = ["-u", UNPRIVILEGED_USER] if os.geteuid() == 0 else []
        return [program, *user, str(self._config())]

    def url(self, database: str) -> str:
        return f"postgresql://{self.server.username}@127.0.0.1:{self.port}/{database}"

    def start(self):
        command = self.command()  # writes the configuration, making the directory
        log = (self.directory / "pgbouncer.log").open("ab")
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.process = process
        log.close()

        def answers() -> bool:
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=1) as connection:
                    connection.execute("SELECT 1")
                return True
            except psycopg.OperationalError:
                if process.poll() is not None:
                    raise RuntimeError(
                        "pgbouncer exited:\n" + (self.directory / "pgbouncer.log").read_text()
                    ) from None
                return False

        wait_for(answers, timeout=15, message=f"pgbouncer on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # immediate shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def environment(self, environment: dict, database_env_vars: dict[str, str]) -> dict:
        """`environment` (tests.processes.environment()) behind this PgBouncer: every
        DATABASE_URL_<APP> through it, DATABASE_DIRECT_URL_<APP> the server itself, and
        DATABASE_POOLER=pgbouncer."""
        env = dict(environment, DATABASE_POOLER="pgbouncer")
        for variable in database_env_vars.values():
            direct = environment[variable]
            env[variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")] = direct
            env[variable] = self.url(urlsplit(direct).path.lstrip("/"))
        return env


@contextmanager
def in_front_of_the_test_server(directory: Path, *, pool_size: int) -> Iterator[PgBouncer]:
    """A PgBouncer in front of the server of the test databases, stopped afterwards."""
    server = database_url(connections["default"].settings_dict, tcp=True)
    running = PgBouncer(directory, server=server, pool_size=pool_size).start()
    try:
        yield running
    finally:
        running.stop()


def behind(pgbouncer: PgBouncer) -> dict:
    """The test processes' environment (tests.processes.environment()) behind `pgbouncer`:
    the databases through it, the direct addresses past it."""
    return pgbouncer.environment(environment(), settings.DATABASE_ENV_VARS)
