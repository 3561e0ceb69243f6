"""Health for orchestrators and operators: `/health` (the process answers), `/health/ready`
(this replica can serve; it checks no shared service) and `/health/components` (every
database, Redis, the broker and the checks apps register, side by side, within
READINESS_TIMEOUT_SECONDS, one report per READINESS_CACHE_SECONDS). The design, and why
readiness checks nothing shared: docs/operations.md, "Health"."""

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TypedDict

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from kombu import Connection

from common.api.throttling import throttled
from common.deadline import finished_within

logger = logging.getLogger(__name__)

# A component's state in the report: its status, and what its check returned.
ComponentState = dict[str, str]
# Raises when the component is down; may return more of its state (a `status` of its own).
ComponentCheck = Callable[[], ComponentState | None]


class ComponentsReport(TypedDict):
    status: str
    failing: list[str]
    components: dict[str, ComponentState]


_extra_checks: dict[str, ComponentCheck] = {}


def register_component_check(name: str, check: ComponentCheck) -> None:
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


def component_checks() -> dict[str, ComponentCheck]:
    checks: dict[str, ComponentCheck] = {
        f"database:{alias}": _check_database(alias) for alias in settings.DATABASES
    }
    if settings.SERVICES_MODE:
        checks["redis"] = _check_redis
        checks["broker"] = _check_broker
    return {**checks, **_extra_checks}


def _run(name: str, check: ComponentCheck) -> ComponentState:
    try:
        return {"status": "up", **(check() or {})}
    except Exception:
        logger.exception("Health check %s failed", name)
        return {"status": "down"}  # details stay in the log, not in public


def components_report() -> ComponentsReport:
    checks = component_checks()
    finished = finished_within(
        {name: partial(_run, name, check) for name, check in checks.items()},
        seconds=settings.READINESS_TIMEOUT_SECONDS,
    )
    components: dict[str, ComponentState] = {}
    for name in checks:
        if name in finished:
            components[name] = finished[name].result()
        else:
            logger.error("Health check %s did not answer in time", name)
            components[name] = {"status": "down"}
    failing = sorted(
        name for name, state in components.items() if state["status"] not in ("up", "unknown")
    )
    return {"status": "down" if failing else "up", "failing": failing, "components": components}


@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "up"})


@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """Ready while this process answers: see the module's docstring for why nothing more."""
    return JsonResponse({"status": "up", "kind": settings.PROCESS_KIND})


_cache_lock = threading.Lock()
_cached: tuple[float, ComponentsReport] | None = None  # (_clock() when made, the report)
_clock = time.monotonic  # the cache's clock (a test moves it)


def components_report_cached() -> ComponentsReport:
    """The last report while it is younger than READINESS_CACHE_SECONDS, else a new one."""
    global _cached
    with _cache_lock:
        if _cached is None or _clock() - _cached[0] >= settings.READINESS_CACHE_SECONDS:
            _cached = (_clock(), components_report())
        return _cached[1]


def components_cache_clear() -> None:
    global _cached
    with _cache_lock:
        _cached = None


@require_GET
@throttled("readiness", methods=("GET",))
def components(request: HttpRequest) -> JsonResponse:
    report = components_report_cached()
    return JsonResponse(report, status=503 if report["failing"] else 200)
