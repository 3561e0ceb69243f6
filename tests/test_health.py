import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend

ALL = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def broken_database():
    """Point one alias at a port where no PostgreSQL listens, then restore it."""
    swapped = {}

    def break_alias(alias: str):
        original = connections[alias]
        broken_settings = {**original.settings_dict, "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
        backend = load_backend(broken_settings["ENGINE"])
        connections[alias] = backend.DatabaseWrapper(broken_settings, alias)
        swapped[alias] = original

    yield break_alias
    for alias, original in swapped.items():
        connections[alias].close()
        connections[alias] = original


def test_liveness_needs_nothing(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "up"}


@ALL
def test_readiness_checks_every_database_and_redis(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["failing"] == []
    expected = {f"database:{alias}" for alias in settings.DATABASES} | {"redis", "broker"}
    assert set(body["components"]) == expected | {"breaker:payment_provider"}
    assert body["components"]["breaker:payment_provider"]["state"] == "closed"
    assert all(state["status"] == "up" for state in body["components"].values())


@ALL
def test_readiness_is_503_and_names_a_database_that_is_down(client, broken_database):
    broken_database("catalog")

    response = client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database:catalog"]
    assert body["components"]["database:catalog"]["status"] == "down"
    assert body["components"]["database:orders"]["status"] == "up"


@ALL
def test_readiness_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@ALL
def test_readiness_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_metrics_are_exposed_for_prometheus(client):
    client.get("/health")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content
