"""Liveness and readiness (DESIGN.md §4, operations).

`/health` answers while the process serves requests. `/health/ready` checks every
database alias and, in services mode, Redis and the Celery broker; it answers 503 and names
each failing component. Later domains add their components (the broker, circuit breakers) with
`register_readiness_check`.
"""

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)
_extra_checks: dict[str, Callable[[], None]] = {}


def register_readiness_check(name: str, check: Callable[[], dict | None]) -> None:
    """A check raises to report its component as down; what it returns is shown with it."""
    _extra_checks[name] = check


def _check_database(alias: str) -> Callable[[], None]:
    def check() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")

    return check


def _check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _check_broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1)


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {f"database:{alias}": _check_database(alias) for alias in settings.DATABASES}
    if settings.SERVICES_MODE:
        checks["redis"] = _check_redis
        checks["broker"] = _check_broker
    return {**checks, **_extra_checks}


def readiness_report() -> dict:
    components = {}
    for name, check in readiness_checks().items():
        try:
            details = check() or {}
        except Exception:
            logger.exception("Readiness check %s failed", name)
            components[name] = {"status": "down"}  # details stay in the log, not in public
        else:
            components[name] = {"status": "up", **details}
    failing = sorted(name for name, state in components.items() if state["status"] != "up")
    return {"status": "down" if failing else "up", "failing": failing, "components": components}


@require_GET
def liveness(request):
    return JsonResponse({"status": "up"})


@require_GET
def readiness(request):
    report = readiness_report()
    return JsonResponse(report, status=503 if report["failing"] else 200)
