"""`/metrics` (common/ops/metrics.py): the domain gauges read at scrape time, and uvicorn workers'
request counters summed in Prometheus multiprocess mode."""

import json
import socket
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from common.db.databases import database_for_app
from common.events.registry import inbox_model, outbox_model
from common.ops import metrics
from payments.breaker import provider_breaker
from tests.processes import HttpServer

ALL = pytest.mark.django_db(databases="__all__")
# The view reads each database in a thread of its own: what a test writes must be committed.
COMMITTED = pytest.mark.django_db(transaction=True, databases="__all__")
REQUESTS = "django_http_requests_total_by_method"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict, name: str, **labels) -> float | None:
    return scraped.get((name, frozenset(labels.items())))


def outbox_event(app: str, *, published: bool, age: timedelta = timedelta(0)):
    now = timezone.now()
    return (
        outbox_model(app)
        ._default_manager.using(database_for_app(app))
        .create(
            type="metrics.test",
            aggregate_id="1",
            occurred_at=now - age,
            published_at=now if published else None,
        )
    )


def inbox_entry(app: str, status: str):
    Inbox = inbox_model(app)
    return Inbox._default_manager.using(database_for_app(app)).create(
        event_id=uuid.uuid4(), consumer="metrics.test", event_type="metrics.test", status=status
    )


@pytest.fixture
def database_down(monkeypatch):
    """Point one alias at `port`, without the pool, for every thread; restored after."""

    def take_down(alias: str, port: int = 1):
        config = connections.settings[alias]  # the dict every thread's connection is made from
        monkeypatch.setitem(config, "HOST", "127.0.0.1")  # not the suite's server's socket
        monkeypatch.setitem(config, "PORT", str(port))
        monkeypatch.setitem(config, "OPTIONS", {"connect_timeout": 5})

    return take_down


@COMMITTED
def test_gauges_count_backlog_and_dead_letters_per_database_and_show_the_breaker(client, provider):
    outbox_event("orders", published=False, age=timedelta(minutes=10))
    outbox_event("orders", published=False, age=timedelta(minutes=1))
    outbox_event("orders", published=True, age=timedelta(hours=1))
    Inbox = inbox_model("orders")
    inbox_entry("orders", Inbox.Status.DEAD)
    inbox_entry("orders", Inbox.Status.PROCESSED)
    provider_breaker().open()

    response = client.get("/metrics")

    assert response.status_code == 200
    scraped = samples(response.content.decode())
    orders = {"app": "orders", "database": "orders"}
    assert value(scraped, "autosalon_outbox_unpublished_events", **orders) == 2
    age = value(scraped, "autosalon_outbox_oldest_unpublished_age_seconds", **orders)
    assert 600 <= age < 660
    assert value(scraped, "autosalon_inbox_dead_letters", **orders) == 1
    for app in settings.DOMAIN_APPS:
        if app == "orders":
            continue
        labels = {"app": app, "database": database_for_app(app)}
        assert value(scraped, "autosalon_outbox_unpublished_events", **labels) == 0, app
        assert value(scraped, "autosalon_outbox_oldest_unpublished_age_seconds", **labels) == 0
        assert value(scraped, "autosalon_inbox_dead_letters", **labels) == 0, app
    breaker = "autosalon_payments_provider_breaker_state"
    assert value(scraped, breaker, state="open") == 1
    assert value(scraped, breaker, state="closed") == 0
    assert value(scraped, breaker, state="half-open") == 0
    for alias in settings.DATABASES:
        assert value(scraped, "autosalon_metrics_source_up", source=f"database:{alias}") == 1
    assert value(scraped, "autosalon_metrics_source_up", source="breaker:payment_provider") == 1
    assert value(scraped, f"{REQUESTS}_total", method="GET") >= 1  # django-prometheus' own


@COMMITTED
def test_a_database_that_is_down_is_left_out_not_a_server_error(client, provider, database_down):
    outbox_event("orders", published=False)
    database_down("catalog")

    response = client.get("/metrics")

    assert response.status_code == 200
    scraped = samples(response.content.decode())
    up = "autosalon_metrics_source_up"
    assert value(scraped, up, source="database:catalog") == 0
    assert value(scraped, up, source="database:orders") == 1
    catalog = {"app": "catalog", "database": "catalog"}
    assert value(scraped, "autosalon_outbox_unpublished_events", **catalog) is None
    assert value(scraped, "autosalon_inbox_dead_letters", **catalog) is None
    orders = {"app": "orders", "database": "orders"}
    assert value(scraped, "autosalon_outbox_unpublished_events", **orders) == 1
    assert value(scraped, "autosalon_payments_provider_breaker_state", state="closed") == 1


@COMMITTED
def test_a_database_that_does_not_answer_holds_the_scrape_up_to_the_deadline_only(
    client, provider, database_down, monkeypatch
):
    monkeypatch.setattr(metrics, "DATABASE_DEADLINE_SECONDS", 1)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        database_down("payments", port=silent.getsockname()[1])
        started = time.monotonic()

        response = client.get("/metrics")

        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert 1 <= elapsed < 3
    scraped = samples(response.content.decode())
    assert value(scraped, "autosalon_metrics_source_up", source="database:payments") == 0
    assert value(scraped, "autosalon_metrics_source_up", source="database:orders") == 1


# Multiprocess mode: a real uvicorn with two workers.


@pytest.fixture
def two_workers(django_db_setup, tmp_path):
    """The HTTP server with two workers on the test databases, its multiprocess directory empty."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    server = HttpServer(
        tmp_path / "server.log", workers=2, env={"PROMETHEUS_MULTIPROC_DIR": str(directory)}
    )
    try:
        server.start()
        yield server, directory
    finally:
        server.stop()


def get_requests_by_pid(directory: Path) -> Counter[str]:
    """GET requests each worker counted, read from its own counter file."""
    counted: Counter[str] = Counter()
    for path in directory.glob("counter_*.db"):
        pid = path.stem.removeprefix("counter_")
        for key, count, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            family, _sample, labels, _help = json.loads(key)
            if family == REQUESTS and labels == {"method": "GET"}:
                counted[pid] += count
    return counted


def scrape(url: str) -> dict:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return samples(response.text)


@pytest.mark.process
@ALL
def test_every_workers_requests_are_summed(two_workers):
    server, directory = two_workers
    before = value(scrape(server.url), f"{REQUESTS}_total", method="GET")

    # A fresh connection for each request, several at once: the kernel hands them to both
    # workers. Batches go on until each worker has counted some.
    sent = 0
    no_keep_alive = httpx.Limits(max_keepalive_connections=0)
    with (
        httpx.Client(base_url=server.url, limits=no_keep_alive, timeout=10) as http,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        while sent < 2000:
            statuses = list(pool.map(lambda _: http.get("/health").status_code, range(200)))
            assert statuses == [200] * 200
            sent += 200
            if len(get_requests_by_pid(directory)) >= 2:
                break
    by_pid = get_requests_by_pid(directory)
    assert len(by_pid) == 2, f"after {sent} requests only these workers served: {by_pid}"

    after = scrape(server.url)

    # Both scrapes are counted too, each before it is answered.
    assert value(after, f"{REQUESTS}_total", method="GET") == before + sent + 1
    assert sum(by_pid.values()) == before + sent  # the second scrape came after the count
    assert value(after, "autosalon_metrics_source_up", source="database:orders") == 1


# The token, through the real servers: what a header's raw bytes do to the view.
METRICS_TOKEN = "metrics-token-" + "x" * 32


class EmbeddedServer(HttpServer):
    """uvicorn serving HTTP too (`python -m config.servers all`), on the test services."""

    role = "all"


def raw_get(url: str, authorization: bytes | None) -> tuple[int, bytes]:
    """GET /metrics with the header's bytes sent as they are (httpx would refuse them)."""
    host, port = url.removeprefix("http://").split(":")
    header = b"Authorization: " + authorization + b"\r\n" if authorization is not None else b""
    request = (
        b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + b"Connection: close\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.process
@ALL
@pytest.mark.parametrize("server_class", [HttpServer, EmbeddedServer], ids=["granian", "uvicorn"])
def test_metrics_answer_401_in_the_envelope_to_any_bad_authorization_header(server_class, tmp_path):
    server = server_class(tmp_path / "server.log", env={"METRICS_TOKEN": METRICS_TOKEN}).start()
    try:
        bad = {
            "none": None,
            "wrong": b"Bearer nope",
            "cyrillic": "Bearer токен".encode(),
            "latin-1": b"Bearer \xe9t\xe9",
            "token with a non-ASCII tail": f"Bearer {METRICS_TOKEN}\u00e9".encode(),
            "bare bytes": b"\xff\xfe\x80",
        }
        answers = {name: raw_get(server.url, header) for name, header in bad.items()}
        scraper = raw_get(server.url, f"Bearer {METRICS_TOKEN}".encode())
    finally:
        server.stop()

    statuses = {name: status for name, (status, _) in answers.items()}
    assert statuses == dict.fromkeys(bad, 401)
    codes = {name: json.loads(body)["error"]["code"] for name, (_, body) in answers.items()}
    assert (codes.pop("none"), codes.pop("wrong")) == ("not_authenticated", "authentication_failed")
    # granian drops a header whose value is not UTF-8 or ASCII; uvicorn passes it on.
    assert set(codes.values()) <= {"not_authenticated", "authentication_failed"}
    assert scraper[0] == 200
    assert b"autosalon_metrics_source_up" in scraper[1]
