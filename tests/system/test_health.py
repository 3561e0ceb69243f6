import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client

from common.ops import health
from config.settings import base

ALL = pytest.mark.django_db(databases="__all__")


def test_liveness_needs_nothing(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "up"}


@ALL
def test_readiness_needs_nothing_but_the_process_not_even_a_database(client, settings):
    """A replica is ready while it answers: a domain database, Redis or the broker down is
    shared by every replica, and shows in that domain's answers and on /health/components."""
    from common.db.postgresql.base import breaker_for

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    breaker_for("catalog").open()
    try:
        ready = client.get("/health/ready")
        components = client.get("/health/components")
    finally:
        breaker_for("catalog").close()

    assert ready.status_code == 200
    assert ready.json() == {"status": "up", "kind": settings.PROCESS_KIND}
    assert components.status_code == 503
    assert components.json()["failing"] == ["broker", "database:catalog", "redis"]


@ALL
def test_components_checks_every_database_and_redis(client):
    response = client.get("/health/components")

    assert response.status_code == 200
    body = response.json()
    assert body["failing"] == []
    expected = {f"database:{alias}" for alias in settings.DATABASES} | {"redis", "broker"}
    checks = {"breaker:payment_provider", "records:cars_without_showroom"}
    assert set(body["components"]) == expected | checks
    assert body["components"]["breaker:payment_provider"]["state"] == "closed"
    assert all(state["status"] == "up" for state in body["components"].values())


@ALL
def test_components_is_503_and_names_a_database_known_to_be_down(client):
    # A database that refuses connections for real: tests/system/test_faults.py.
    from common.db.postgresql.base import breaker_for

    breaker_for("catalog").open()
    try:
        response = client.get("/health/components")
    finally:
        breaker_for("catalog").close()

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database:catalog"]
    assert body["components"]["database:catalog"]["status"] == "down"
    assert body["components"]["database:orders"]["status"] == "up"


@ALL
def test_components_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/health/components")

    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@ALL
def test_components_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"

    response = client.get("/health/components")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_metrics_are_exposed_for_prometheus(client):
    client.get("/health")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


# A FLOOD OF CALLS FOR THE COMPONENTS
# ------------------------------------------------------------------------------
@pytest.fixture
def shipped_components_cache(settings):
    settings.READINESS_CACHE_SECONDS = base.READINESS_CACHE_SECONDS
    health.components_cache_clear()
    yield
    health.components_cache_clear()


def counted(monkeypatch, name: str) -> list:
    """Count the calls of the check `health.<name>`, which still runs for real."""
    calls = []
    check = getattr(health, name)

    def counting():
        calls.append(time.monotonic())
        return check()

    monkeypatch.setattr(health, name, counting)
    return calls


@ALL
def test_fifty_components_calls_within_the_cache_period_run_the_redis_and_broker_checks_once(
    shipped_components_cache, monkeypatch
):
    assert base.READINESS_CACHE_SECONDS == 2
    redis_checks = counted(monkeypatch, "_check_redis")
    broker_checks = counted(monkeypatch, "_check_broker")
    now = [1000.0]  # the cache's clock, which this test moves: no timing on a shared machine
    monkeypatch.setattr(health, "_clock", lambda: now[0])

    def report(n):
        return Client(REMOTE_ADDR=f"192.0.2.{n + 1}").get("/health/components")

    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(report, range(50)))  # raises if any thread failed

    assert [r.status_code for r in responses] == [200] * 50
    assert {r.json()["status"] for r in responses} == {"up"}
    assert (len(redis_checks), len(broker_checks)) == (1, 1)

    # Just before the report is two seconds old it still serves; then the next call checks.
    now[0] += 1.99
    assert Client().get("/health/components").status_code == 200
    assert (len(redis_checks), len(broker_checks)) == (1, 1)
    now[0] += 0.01
    assert Client().get("/health/components").status_code == 200
    assert (len(redis_checks), len(broker_checks)) == (2, 2)


@ALL
def test_a_client_over_the_readiness_rate_gets_429_and_another_client_does_not(
    settings, shipped_components_cache
):
    assert base.THROTTLE_RATES["readiness"] == "60/min"
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "readiness": "5/min"}
    prober = Client(REMOTE_ADDR="198.51.100.7")

    statuses = []
    while len(statuses) < 11 and 429 not in statuses:
        statuses.append(prober.get("/health/components").status_code)
    refused = prober.get("/health/components")
    other = Client(REMOTE_ADDR="198.51.100.8").get("/health/components")

    # Five a minute; a fixed window's edge may let a burst through twice.
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < refused.json()["error"]["retry_after"] <= 60
    assert refused["Retry-After"] == str(refused.json()["error"]["retry_after"])
    assert other.status_code == 200 and other.json()["failing"] == []
    # Readiness is not limited: it costs what /health costs, and an orchestrator probing
    # many replicas from one address must never be refused.
    assert prober.get("/health/ready").status_code == 200
