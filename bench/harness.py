"""What every benchmark needs: PostgreSQL databases and a Redis database of its own (fresh
each run, dropped after), the project's management commands, and the ASGI server under
uvicorn, as in docker-compose.yml."""

import contextlib
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
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


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


@contextlib.contextmanager
def bench_system(seed: str, workers: int, web: str = "uvicorn", **settings: str):
    """Fresh databases, migrated and seeded (`seed` runs in `manage.py shell`), and a running
    uvicorn: yields its URL, the seed's output and the environment it runs in. Everything is
    removed afterwards."""
    port = free_port()
    env = environment(PORT=str(port), **settings)
    databases("create")
    server = None
    try:
        manage(env, "migrate_all")
        seeded = manage(env, "shell", "--no-imports", stdin=seed)
        commands = {
            "uvicorn": [
                sys.executable,
                "-m",
                "uvicorn",
                "--no-proxy-headers",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-access-log",
                "config.asgi:application",
            ],
            "granian": [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--blocking-threads",
                "1",
                "config.wsgi:application",
            ],
            "gunicorn": [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                "1",
                "config.wsgi:application",
            ],
        }
        server = subprocess.Popen(
            commands[web],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base_url, seeded, env
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        databases("drop")
