"""How the site is served (docs/architecture.md §3.7): HTTP by granian on the WSGI
application, the WebSocket feed by uvicorn on the ASGI one, and Caddy in front of both on one
origin (`config/Caddyfile`). The command lines live here only: `scripts/run.sh`, the
Dockerfile, docker-compose.yml, the tests and the benchmarks start their servers with

    python -m config.servers http  --host 0.0.0.0 --port 8001 [--workers 4]
    python -m config.servers ws    --host 0.0.0.0 --port 8002 [--workers 1]
    python -m config.servers proxy --site http://127.0.0.1:8000 --http 127.0.0.1:8001 \\
                                   --ws 127.0.0.1:8002
    python -m config.servers all   --host 127.0.0.1 --port 8000   # one process, embedded mode

`all` is uvicorn serving both HTTP and WebSocket from one process, for embedded mode, whose
in-memory channel layer only reaches sockets of the process that pushes.

This module imports nothing of Django's: it runs before any settings are read."""

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_CONFIG = ROOT / "config" / "server-logging.json"
CADDYFILE = ROOT / "config" / "Caddyfile"


def log_options() -> list[str]:
    """In production (and with LOG_FORMAT=json) the server's own lines are JSON, like the
    app's (config/settings/production.py); otherwise they are the server's plain lines."""
    production = os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.production"
    json_lines = production or os.environ.get("LOG_FORMAT") == "json"
    return ["--log-config", str(LOG_CONFIG)] if json_lines else []


def http_command(host: str, port: int, workers: int) -> list[str]:
    """granian on `config.wsgi`: a process per worker, one thread each, as many workers as the
    cores allow (docs/architecture.md §3.7, says why granian and why one thread)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--no-ws",  # the feed is the ASGI server's
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # One thread per worker keeps its database connections' wrappers alive between
        # requests; concurrency comes from the worker processes.
        "--blocking-threads",
        "1",
        "--respawn-failed-workers",
        # The access log is the app's (common.ops.logging.AccessLogMiddleware), which redacts
        # secrets in query strings; the client address is the app's to work out
        # (common/api/throttling.py), from TRUSTED_PROXIES.
        "--no-access-log",
        *log_options(),
        "config.wsgi:application",
    ]


def asgi_command(host: str, port: int, workers: int) -> list[str]:
    """uvicorn on `config.asgi`: the WebSocket feed, and in embedded mode HTTP too."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        *(["--workers", str(workers)] if workers > 1 else []),
        "--no-proxy-headers",
        "--no-server-header",
        "--no-access-log",
        "--lifespan",
        "off",  # the application has no startup or shutdown of its own
        *log_options(),
    ]


def proxy_command() -> list[str]:
    caddy = shutil.which("caddy")
    if caddy is None:
        raise SystemExit(
            "Caddy is missing: run 'sudo apt-get install caddy' (scripts/ensure_package.sh)."
        )
    return [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"]


def proxy_environment(
    site: str, http: str, ws: str, state_dir: Path, trusted_proxies: str = ""
) -> dict:
    """Caddy's environment: the Caddyfile's addresses, the TLS terminators it trusts
    (TRUSTED_PROXIES, which the Caddyfile reads separated by spaces, the settings by commas
    or spaces), and a directory of its own for what it keeps (certificates, its autosaved
    configuration)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    return {
        "SITE_ADDRESS": site,
        "HTTP_UPSTREAM": http,
        "WS_UPSTREAM": ws,
        "TRUSTED_PROXIES": " ".join(trusted_proxies.replace(",", " ").split()),
        "XDG_CONFIG_HOME": str(state_dir),
        "XDG_DATA_HOME": str(state_dir),
    }


def metrics_files_clear() -> None:
    """/metrics sums the workers' counters, kept in files in PROMETHEUS_MULTIPROC_DIR
    (common/ops/metrics.py): the files of the last run go before the workers start."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m config.servers", description=__doc__)
    parser.add_argument("role", choices=["http", "ws", "all", "proxy"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 1)))
    parser.add_argument("--site", help="proxy: the address Caddy serves")
    # Several replicas: their host:port separated by spaces, in one argument (config/Caddyfile).
    parser.add_argument("--http", help="proxy: host:port of the WSGI server(s)")
    parser.add_argument("--ws", help="proxy: host:port of the ASGI server(s)")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    if args.role == "proxy":
        command = proxy_command()
        state = Path(os.environ.get("AUTOSALON_VAR_DIR", ROOT / "var")) / "caddy"
        trusted = os.environ.get("TRUSTED_PROXIES", "")
        env.update(proxy_environment(args.site, args.http, args.ws, state, trusted))
    else:
        metrics_files_clear()
        # Its pools and its connections' name (config/process_kind.py): `all` serves HTTP.
        env.setdefault("AUTOSALON_PROCESS_KIND", "ws" if args.role == "ws" else "web")
        if args.role == "http":
            command = http_command(args.host, args.port, args.workers)
        else:
            command = asgi_command(args.host, args.port, args.workers)
            env["AUTOSALON_ASGI_ROLE"] = args.role  # config/asgi.py
    os.chdir(ROOT)
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main()
