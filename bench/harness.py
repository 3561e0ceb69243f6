"""What every benchmark needs: PostgreSQL databases and a Redis database of its own (fresh
each run, dropped after), the project's management commands, the site served as
docker-compose.yml serves it (docs/architecture.md §3.7), and the check that its requests
succeeded (`Answers`): a benchmark that got error answers fails instead of printing figures."""

import contextlib
import dataclasses
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
# The benchmark's databases are <prefix>_<app>: two benchmarks at once need two prefixes.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "autosalon_bench")
# The domain apps, as the project's registry names them (common/registry.py): a database each.
sys.path.insert(0, str(ROOT))
from config.settings.base import DOMAIN_APPS as APPS  # noqa: E402


class ErrorAnswers(RuntimeError):
    """Requests a benchmark expected to succeed got an error answer, or none at all. Their
    figures would time the errors (a 400 is answered faster than a page), so the benchmark
    stops instead of printing them."""

    exit_code = 3


def _excerpt(body: bytes | str, limit: int = 300) -> str:
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class Answers:
    """What one kind of request got back: how many, how many were errors, and the first
    error. A success is the `expected` status when one is given, else any 2xx or 3xx."""

    def __init__(self, what: str, unit: str = "requests"):
        self.what = what
        self.unit = unit
        self.count = 0
        self.errors = 0
        self.first = ""

    def answered(self, status: int, body: bytes | str = b"", expected: int | None = None) -> bool:
        """Records an answer; whether it was a success."""
        self.count += 1
        ok = status == expected if expected is not None else 200 <= status < 400
        if not ok:
            self._error(f"{status} {_excerpt(body)}".rstrip())
        return ok

    def succeeded(self) -> None:
        """Records a success with no status to read (a WebSocket that opened and spoke)."""
        self.count += 1

    def failed(self, error: BaseException | str) -> None:
        """Records a request that got no answer: refused, reset, timed out."""
        self.count += 1
        if isinstance(error, BaseException):
            error = f"no answer: {type(error).__name__}: {error}"
        self._error(error)

    def merge(self, count: int, errors: int, first: str) -> None:
        """Adds what another process counted (its `count`, `errors` and `first`)."""
        self.count += count
        self.errors += errors
        self.first = self.first or first

    def _error(self, description: str) -> None:
        self.errors += 1
        self.first = self.first or description

    def check(self) -> None:
        """Raises `ErrorAnswers` if any request failed."""
        if self.errors:
            raise ErrorAnswers(
                f"{self.what}: {self.errors:,} of {self.count:,} {self.unit} failed; "
                f"the first: {self.first}"
            )


def answer_check(what: str, status: int, body: bytes | str, expected: int | None = None) -> None:
    """One request that must succeed (signing in, reading the ids to order): raises
    `ErrorAnswers` naming it otherwise."""
    answers = Answers(what)
    answers.answered(status, body, expected)
    answers.check()


def main_run(main) -> NoReturn:
    """Runs a benchmark's `main` and exits with what it returns; on error answers, with
    `ErrorAnswers.exit_code` and their count and first error on stderr instead of figures."""
    try:
        code = main()
    except ErrorAnswers as error:
        print(f"FAILED: {error}", file=sys.stderr)
        code = ErrorAnswers.exit_code
    sys.exit(code)


def environment(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    for app in APPS:
        env[f"DATABASE_URL_{app.upper()}"] = f"{PG}/{PREFIX}_{app}"
    env.update(
        REDIS_URL=REDIS,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        AUTOSALON_ENV_FILE="/dev/null",
        # A benchmark is one client making thousands of calls a minute.
        **dict.fromkeys(
            [f"THROTTLE_RATE_{b}" for b in ("AUTH", "ORDER_CREATE", "USER", "ANON")],
            "10000000/min",
        ),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def databases(action: str) -> None:
    """Create (`create`) or drop (`drop`) the benchmark's databases; Redis is emptied."""
    redis.Redis.from_url(REDIS).flushdb()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for app in APPS:
            connection.execute(f"DROP DATABASE IF EXISTS {PREFIX}_{app} WITH (FORCE)")
            if action == "create":
                connection.execute(f"CREATE DATABASE {PREFIX}_{app}")


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_files_raise() -> int:
    """Raise this process's open-file limit (inherited by the server) as far as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None once it has gone: the
    state (field 3 of proc(5)) comes first, so field N is at index N - 3."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _processes() -> tuple[dict[int, list[int]], dict[int, float]]:
    """Every process's children, and its CPU seconds from /proc: its own user and system time
    (fields 14 and 15) and that of its children it has waited for (cutime and cstime, 16 and
    17), so that a process tree's total does not drop when one of its processes exits."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (fields := _stat(entry.name)) is None:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = sum(int(field) for field in fields[11:15]) / tick
    return children, times


def own_cpu_seconds(pids) -> dict[int, float]:
    """Each process's own user and system CPU seconds (fields 14 and 15), for those of `pids`
    still running."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            times[pid] = (int(fields[11]) + int(fields[12])) / tick
    return times


def children_cpu_seconds(pid: int) -> list[float]:
    """CPU seconds of each direct child (a server's workers), largest first."""
    children, times = _processes()
    return sorted((times.get(child, 0.0) for child in children.get(pid, [])), reverse=True)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and all its descendants, those that exited
    included once their parent in the tree has waited for them."""
    children, times = _processes()
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


@dataclasses.dataclass
class System:
    url: str  # the proxy: the one origin, as clients see it
    http_url: str  # the WSGI server itself
    seeded: str  # what the seed printed
    env: dict
    http_pid: int
    relay_pid: int
    worker_pid: int | None  # the Celery worker's main process, if it runs one


def _start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_healthy(url: str) -> None:
    for _ in range(150):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")


def worker_command(concurrency: int) -> list[str]:
    """The Celery worker as docker-compose.yml's `worker` service runs it."""
    return [
        *(sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker"),
        *("--loglevel=INFO", f"--concurrency={concurrency}"),
    ]


def _wait_file(path: Path, process: subprocess.Popen, what: str) -> None:
    for _ in range(300):
        if path.exists():
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        time.sleep(0.2)
    raise RuntimeError(f"{what} never started")


@contextlib.contextmanager
def bench_system(
    seed: str, workers: int, *, feed_workers: int = 1, worker_concurrency: int = 0, **settings: str
):
    """Fresh databases, migrated and seeded (`seed` runs in `manage.py shell`), and the site
    as docker-compose.yml runs it, through `python -m config.servers`: granian with `workers`
    processes, uvicorn for the feed, Caddy in front, and the outbox relay; with
    `worker_concurrency`, a Celery worker of that many prefork processes too (none by default:
    the events' tasks then wait in Redis). Yields a `System`. Everything is removed
    afterwards."""
    http_port, feed_port, proxy_port = free_port(), free_port(), free_port()
    env = environment(**settings)
    var = Path(f"/tmp/autosalon-bench-{os.getpid()}")
    databases("create")
    processes: list[subprocess.Popen] = []
    try:
        manage(env, "migrate_all")
        seeded = manage(env, "shell", "--no-imports", stdin=seed)
        serve = [sys.executable, "-m", "config.servers"]
        http = _start([*serve, "http", "--port", str(http_port), "--workers", str(workers)], env)
        processes.append(http)
        feed = [*serve, "ws", "--port", str(feed_port), "--workers", str(feed_workers)]
        processes.append(_start(feed, env))
        url = f"http://127.0.0.1:{proxy_port}"
        proxy = [*serve, "proxy", "--site", url]
        proxy += ["--http", f"127.0.0.1:{http_port}", "--ws", f"127.0.0.1:{feed_port}"]
        processes.append(_start(proxy, {**env, "AUTOSALON_VAR_DIR": str(var)}))
        relay = _start([sys.executable, "manage.py", "events_relay", "--follow"], env)
        processes.append(relay)
        worker = None
        if worker_concurrency:
            # Its heartbeat file (common/liveness.py) in a directory of this run's own: the
            # worker has started once the file is there.
            liveness = var / "liveness"
            (liveness / "worker.alive").unlink(missing_ok=True)
            worker_env = {**env, "LIVENESS_DIR": str(liveness)}
            worker = _start(worker_command(worker_concurrency), worker_env)
            processes.append(worker)
            _wait_file(liveness / "worker.alive", worker, "the Celery worker")
        for each in (f"http://127.0.0.1:{http_port}", f"http://127.0.0.1:{feed_port}", url):
            _wait_healthy(each)
        yield System(
            url,
            f"http://127.0.0.1:{http_port}",
            seeded,
            env,
            http.pid,
            relay.pid,
            worker.pid if worker else None,
        )
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):  # one that has exited by itself
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        try:
            databases("drop")
        except psycopg.OperationalError:  # the server restarted under a shared machine's load
            time.sleep(5)
            databases("drop")
