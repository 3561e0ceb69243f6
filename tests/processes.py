"""Real processes for tests, on the test databases and the test Redis: a Celery worker, the
HTTP and feed servers, and the whole site behind its proxy."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import amqp
import httpx
import redis
from amqp.exceptions import ChannelError
from django.conf import settings
from django.db import connections
from kombu import Connection
from kombu.transport import virtual
from kombu.transport.redis import Channel as RedisChannel

from config import servers
from config.celery import app as celery_app
from tests.databases import database_url

ROOT = Path(__file__).resolve().parent.parent
THROTTLE_BUCKETS = ("AUTH", "ORDER_CREATE", "LEAD", "UPLOAD", "USER", "ANON", "READINESS")


# Every port free_port has handed out in this process. A port is free only until its server
# binds it, seconds later; the kernel may offer one just closed again in the meantime (the
# doubled system once gave an HTTP server and a feed server the same one, and the feed's
# health check was answered by the HTTP server).
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, never one this process has handed out before."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def environment() -> dict:
    """The test process's services: the test databases (as Django named them) and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    for alias, variable in settings.DATABASE_ENV_VARS.items():
        env[variable] = database_url(connections[alias].settings_dict)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        REDIS_URL=settings.REDIS_URL,
        AUTOSALON_ENV_FILE="/dev/null",
        EVENTS_RETRY_BACKOFF="1",
        CELERY_VISIBILITY_TIMEOUT="5",
        FAKE_PROVIDER_DIR=settings.FAKE_PROVIDER_DIR,
        # The suite's processes together stay within PostgreSQL's 100 connections: the
        # servers' pools hold at most 4 per database, a worker's child, the relay and beat 1
        # (config/settings/databases.py, docs/operations.md "Connections").
        DATABASE_POOL_MAX_SIZE="4",
        DATABASE_POOL_MAX_IDLE_SECONDS="5",
        # An idle server (each test worker keeps a site up for the run) gives every
        # connection back, instead of keeping one per database for nothing.
        DATABASE_POOL_MIN_SIZE="0",
        # As in the suite's settings: the relay's own tests run the relay process.
        EVENTS_PUBLISH_ON_COMMIT=str(settings.EVENTS_PUBLISH_ON_COMMIT),
        # As in the test settings: sign-up and reset answer at once.
        ACCOUNTS_ANSWER_AFTER_SECONDS=str(settings.ACCOUNTS_ANSWER_AFTER_SECONDS),
        # As in the test settings: a test that takes a component down reads readiness at once.
        READINESS_CACHE_SECONDS=str(settings.READINESS_CACHE_SECONDS),
        # As in the test settings; tests of the limits pass the defaults to their server.
        **{f"THROTTLE_RATE_{bucket}": "100000/min" for bucket in THROTTLE_BUCKETS},
    )
    return env


def databases_over_tcp() -> dict[str, str]:
    """The test databases' DATABASE_URL_* over TCP on 127.0.0.1, where the suite's own
    server is otherwise reached on its Unix socket: for a process whose connections a test
    tells apart by their client's port."""
    return {
        variable: database_url(connections[alias].settings_dict, tcp=True)
        for alias, variable in settings.DATABASE_ENV_VARS.items()
    }


class _Process:
    def __init__(self, log_path: Path, *, env: dict | None = None):
        self.log_path = log_path
        self.env = env or {}  # on top of `environment()`
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def started(self) -> subprocess.Popen[bytes]:
        """The process `start` started."""
        if self.process is None:
            raise RuntimeError(f"{type(self).__name__} was never started")
        return self.process

    def wait_ready(self, timeout: float = 60) -> None:
        raise NotImplementedError

    def start(self):
        """Start the process and wait until it is ready; one that fails to start (or whose
        command cannot be built) leaves nothing running behind it."""
        self.log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env={**environment(), **self.env},
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def exited(self) -> bool:
        if self.started().poll() is None:
            return False
        raise RuntimeError(
            f"{' '.join(self.command()[:4])} exited:\n{self.log_path.read_text()[-3000:]}"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()

    def kill(self) -> None:
        """SIGKILL the process and everything it started (a server's workers, a worker's
        pool) at once: nothing gets to clean up, as when a machine or a container dies."""
        process = self.started()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def stop_together(processes: list[_Process]) -> None:
    """Stop `processes` at once: each is told to stop before any is waited for, so that their
    shutdowns (a Celery worker's warm one takes seconds) overlap."""
    for running in processes:
        if running.process and running.process.poll() is None:
            running.process.terminate()
    for running in processes:
        running.stop()


class _Server(_Process):
    """A server started as production starts it, through `python -m config.servers`."""

    role = ""
    # What its log says once it listens on its port (granian's line, uvicorn's).
    listening = r"(Listening at: |running on )http://127\.0\.0\.1:{port}\b"

    def __init__(self, log_path: Path, *, workers: int = 1, env: dict | None = None):
        super().__init__(log_path, env=env)
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "config.servers",
            self.role,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]

    def wait_ready(self, timeout: float = 60) -> None:
        """Until it answers its health check on its port, and its own log says it listens
        there: an answer alone may come from another server that took the port first."""
        listening = re.compile(self.listening.format(port=self.port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.exited():
            try:
                answered = httpx.get(f"{self.url}/health", timeout=1).status_code == 200
            except httpx.TransportError:
                answered = False
            if answered and listening.search(self.log_path.read_text(errors="replace")):
                return
            time.sleep(0.2)
        raise RuntimeError(f"server never answered:\n{self.log_path.read_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """The worker processes' ids, from the server's own log lines."""
        pattern = r"Started server process \[(\d+)\]|Spawning worker-\d+ with PID: (\d+)"
        return [
            int(first or second) for first, second in re.findall(pattern, self.log_path.read_text())
        ]


class HttpServer(_Server):
    """HTTP: granian on the WSGI application, as docker-compose.yml's `web`."""

    role = "http"


class FeedServer(_Server):
    """The WebSocket feed: uvicorn on the ASGI application, as docker-compose.yml's `ws`."""

    role = "ws"


class ProxyServer(_Server):
    """Caddy with the repository's Caddyfile in front of an HTTP and a feed server, as
    docker-compose.yml's `proxy`; or of several of each (replicas, balanced in turn)."""

    # Caddy names no port when it serves; one that cannot bind exits, as `exited` sees.
    listening = r"serving initial configuration"

    def __init__(
        self,
        log_path: Path,
        *,
        http: HttpServer | list[HttpServer],
        feed: FeedServer | list[FeedServer],
        trusted_proxies: str = "",
    ):
        super().__init__(log_path)

        def upstreams(replicas) -> str:
            replicas = replicas if isinstance(replicas, list) else [replicas]
            return " ".join(replica.url.removeprefix("http://") for replica in replicas)

        self.env = servers.proxy_environment(
            self.url, upstreams(http), upstreams(feed), log_path.parent / "caddy", trusted_proxies
        )

    def command(self) -> list[str]:
        return servers.proxy_command()


class Site:
    """The whole site as production serves it (docs/architecture.md §3.7): the proxy in
    front of an HTTP server and a feed server, on one origin. `log_path` is the HTTP
    server's log, where the app's own lines go. The proxy trusts the app's TRUSTED_PROXIES,
    as `python -m config.servers proxy` does, unless `proxy_trusts` says otherwise."""

    def __init__(
        self, directory: Path, *, env: dict | None = None, proxy_trusts: str | None = None
    ):
        directory.mkdir(parents=True, exist_ok=True)
        self.http = HttpServer(directory / "http.log", env=env)
        self.feed = FeedServer(directory / "feed.log", env=env)
        if proxy_trusts is None:
            proxy_trusts = (env or {}).get("TRUSTED_PROXIES", "")
        self.proxy = ProxyServer(
            directory / "proxy.log", http=self.http, feed=self.feed, trusted_proxies=proxy_trusts
        )
        self.log_path = self.http.log_path
        self.url, self.ws_url = self.proxy.url, self.proxy.ws_url

    def start(self):
        started = []
        try:
            for server in (self.http, self.feed, self.proxy):
                started.append(server.start())
        except BaseException:
            for server in reversed(started):
                server.stop()
            raise
        return self

    def stop(self) -> None:
        stop_together([self.proxy, self.feed, self.http])


class RelayProcess(_Process):
    """`manage.py events_relay --follow`: publishes each event as its transaction commits."""

    def command(self) -> list[str]:
        return [sys.executable, "manage.py", "events_relay", "--follow"]

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.exited():
            if "The relay listens to" in self.log_path.read_text():
                return
            time.sleep(0.1)
        raise RuntimeError(f"the relay never listened:\n{self.log_path.read_text()[-3000:]}")


class Worker(_Process):
    """A Celery worker; with `beat=True` it runs the beat schedule too (`-B`), with its
    schedule file next to its log."""

    def __init__(
        self, log_path: Path, *, beat: bool = False, env: dict | None = None, queue="celery"
    ):
        super().__init__(log_path, env=env)
        self.beat = beat
        if beat:  # a schedule and a lock in Redis of its own (config/beat.py)
            self.env = {"CELERY_REDBEAT_KEY_PREFIX": f"test-{os.getpid()}-{id(self)}:", **self.env}
        self.queue = queue
        self.hostname = f"test-{os.getpid()}-{id(self)}@{socket.gethostname()}"

    def command(self) -> list[str]:
        beat = ["-B", "--schedule", str(self.log_path.with_suffix(".schedule"))]
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "--quiet",  # no banner: every line of its log is a log line
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            self.hostname,
            *(beat if self.beat else []),
        ]

    def _asking(self) -> dict:
        """What a control command addressed to this worker alone takes: its reply ends the
        wait, rather than the broadcast's whole timeout."""
        return {"destination": [self.hostname], "limit": 1, "timeout": 0.5}

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.exited():
            if celery_app.control.ping(**self._asking()):
                return
        raise RuntimeError(f"worker never answered:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: nothing gets to clean up."""
        process = self.started()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.log.close()

    def runs_finished(self, task: str) -> int:
        """How many runs of `task` this worker has finished, from its log."""
        pattern = rf"Task {re.escape(task)}\[[0-9a-f-]+\] (succeeded|raised|failed)"
        return len(re.findall(pattern, self.log_path.read_text(errors="replace")))

    def wait_idle(self, timeout: float = 30) -> None:
        """Until the queue is empty and the worker runs nothing."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if queue_length(self.queue) == 0:
                inspect = celery_app.control.inspect(**self._asking())
                active = inspect.active() or {}
                reserved = inspect.reserved() or {}
                if active and not any(active.values()) and not any(reserved.values()):
                    return
            time.sleep(0.1)
        raise TimeoutError("the worker did not become idle")


def wait_unacknowledged_visible(timeout: float = 60) -> None:
    """Until every task a dead worker took from Redis without acknowledging it is past the
    test workers' visibility timeout (CELERY_VISIBILITY_TIMEOUT in `environment()`): a
    worker that starts then restores them to the queue at once, instead of at its next
    sweep."""
    visibility_timeout = float(environment()["CELERY_VISIBILITY_TIMEOUT"])
    client = redis.Redis.from_url(celery_app.conf.CELERY_BROKER_URL)

    def visible() -> bool:
        # kombu's Redis transport: each unacknowledged task's delivery time, by tag.
        held = client.zrangebyscore("unacked_index", time.time() - visibility_timeout, "+inf")
        return not held

    wait_for(visible, timeout=timeout, message="the unacknowledged tasks' visibility timeout")


def purge_broker() -> None:
    """Empty the broker the app publishes to: its queues, and on Redis the tasks a killed
    worker took without acknowledging them. kombu keeps those in its `unacked` hash until a
    live worker restores them after the visibility timeout: a later test's workers would
    otherwise run an earlier test's tasks. (RabbitMQ requeues a dead consumer's messages at
    once, and the purge takes them.)"""
    celery_app.control.purge()
    with Connection(celery_app.conf.CELERY_BROKER_URL) as connection:
        channel = connection.default_channel
        if isinstance(channel, RedisChannel):
            channel.client.delete(
                channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key
            )


def queue_length(queue: str) -> int:
    """Tasks waiting in `queue` on the broker the app publishes to, Redis or RabbitMQ."""
    with Connection(celery_app.conf.CELERY_BROKER_URL) as connection:
        try:
            channel = connection.default_channel
            assert isinstance(channel, virtual.Channel | amqp.Channel)  # Redis's, RabbitMQ's
            declared = channel.queue_declare(queue, passive=True)
        except ChannelError:  # no such queue: Redis drops an empty list
            return 0
        assert declared is not None  # None only with nowait
        _name, message_count, _consumers = declared
        return message_count


class RedisServer:
    """A redis-server of the test's own, on a free port, keeping nothing on disk: the one
    a test may stop, restart or flush (never the machine's)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=10, message=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def flush(self) -> None:
        redis.Redis.from_url(self.url).flushall()


def wait_for_http(url: str, process: subprocess.Popen, log, timeout: float = 60) -> None:
    """Until `url` answers 200; fail with the end of `log` (an open file) if `process` exits
    first or the time runs out."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(f"{url} never answered:\n{log.read()[-3000:]}")


def wait_for(predicate, timeout: float = 30, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {message}")


class Beat(_Process):
    """`celery -A config beat`, as docker-compose.yml's `beat`: any number of them keep one
    schedule in REDIS_URL (config/beat.py). Ready once it holds the lock or waits for it."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "config", "--quiet", "beat", "-l", "INFO"]

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.exited():
            if "beat: Waiting for the lock" in self.log_path.read_text():
                return
            time.sleep(0.1)
        raise RuntimeError(f"beat never reached its lock:\n{self.log_path.read_text()[-3000:]}")

    def holds_lock(self) -> bool:
        return "beat: Acquired lock" in self.log_path.read_text()

    def kill(self) -> None:
        """SIGKILL: the lock is left to expire, as after a crash or a lost node."""
        process = self.started()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.log.close()


CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium keeps dialling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Chromium(_Process):
    """Debian's headless Chromium, listening for the DevTools protocol on a port it picks:
    one for the test run, in which each test opens a browser context of its own
    (tests/browser/pages.py, `chromium_page`)."""

    def __init__(self, directory: Path):
        super().__init__(directory / "chromium.log")
        self.profile = directory / "profile"
        self.endpoint = ""

    def command(self) -> list[str]:
        return [
            str(CHROMIUM),
            "--headless",
            # What Playwright's own launch adds in headless mode: pages lay out and match
            # media queries as in a launched browser (no scrollbar taking width, say).
            "--hide-scrollbars",
            "--mute-audio",
            "--force-color-profile=srgb",
            "--blink-settings=primaryHoverType=2,availableHoverTypes=2,"
            "primaryPointerType=4,availablePointerTypes=4",
            *CHROMIUM_ARGS,
            f"--user-data-dir={self.profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ]

    def wait_ready(self, timeout: float = 60) -> None:
        # Chromium writes the port it listens on into its profile once it does.
        active_port = self.profile / "DevToolsActivePort"
        wait_for(
            lambda: self.exited() or (active_port.exists() and active_port.read_text().strip()),
            timeout=timeout,
            message="Chromium's DevTools port",
        )
        port = active_port.read_text().split()[0]
        self.endpoint = f"http://127.0.0.1:{port}"
