import pytest
from django.conf import settings

ALL = pytest.mark.django_db(databases="__all__")


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
def test_readiness_is_503_and_names_a_database_known_to_be_down(client):
    # A database that refuses connections for real: tests/test_faults.py.
    from common.postgresql.base import breaker_for

    breaker_for("catalog").open()
    try:
        response = client.get("/health/ready")
    finally:
        breaker_for("catalog").close()

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
