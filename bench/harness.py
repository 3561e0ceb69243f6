"""What every benchmark needs: PostgreSQL databases and a Redis database of its own (fresh
each run, dropped after), the project's management commands, and the site served as
docker-compose.yml serves it (docs/architecture.md §3.7)."""

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

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
APPS = [
    "accounts",
    "catalog",
    "orders",
    "payments",
    "financing",
    "insurance",
    "showroom",
    "crm",
    "integrations",
]


def environment(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    for app in APPS:
        env[f"DATABASE_URL_{app.upper()}"] = f"{PG}/autosalon_bench_{app}"
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
            connection.execute(f"DROP DATABASE IF EXISTS autosalon_bench_{app} WITH (FORCE)")
            if action == "create":
                connection.execute(f"CREATE DATABASE autosalon_bench_{app}")


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


def _processes() -> tuple[dict[int, list[int]], dict[int, float]]:
    """Every process's children and its user and system CPU seconds, from /proc."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return children, times


def children_cpu_seconds(pid: int) -> list[float]:
    """CPU seconds of each direct child (a server's workers), largest first."""
    children, times = _processes()
    return sorted((times.get(child, 0.0) for child in children.get(pid, [])), reverse=True)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and all its descendants."""
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


@contextlib.contextmanager
def bench_system(seed: str, workers: int, *, feed_workers: int = 1, **settings: str):
    """Fresh databases, migrated and seeded (`seed` runs in `manage.py shell`), and the site
    as docker-compose.yml runs it, through `python -m config.servers`: granian with `workers`
    processes, uvicorn for the feed, Caddy in front, and the outbox relay. Yields a `System`.
    Everything is removed afterwards."""
    http_port, feed_port, proxy_port = free_port(), free_port(), free_port()
    env = environment(**settings)
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
        processes.append(
            _start(proxy, {**env, "AUTOSALON_VAR_DIR": f"/tmp/autosalon-bench-{os.getpid()}"})
        )
        relay = _start([sys.executable, "manage.py", "events_relay", "--follow"], env)
        processes.append(relay)
        for each in (f"http://127.0.0.1:{http_port}", f"http://127.0.0.1:{feed_port}", url):
            _wait_healthy(each)
        yield System(url, f"http://127.0.0.1:{http_port}", seeded, env, http.pid, relay.pid)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        databases("drop")
