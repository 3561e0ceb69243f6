"""`/metrics` for Prometheus (README, "Metrics").

django-prometheus counts requests in each process. With `PROMETHEUS_MULTIPROC_DIR` set,
prometheus_client keeps every process's counters in files there and the view sums them, so
that the answer is the same whichever granian worker gives it. `python -m config.servers`
empties the directory first, before the workers start (config/servers.py). The files of a worker that died stay: its counts belong in the totals.
`multiprocess.mark_process_dead` would only remove `live*` gauges, which nothing here uses,
and granian has no hook for a worker's exit anyway.

The domain gauges are read at scrape time from the databases and Redis (`DomainCollector`),
not kept in any process: every app's outbox and inbox, and the circuit breakers the apps
register from their `ready()` (`register_breaker`), since `common` imports no app.
"""

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import pybreaker
from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from common.api.exceptions import error_body
from common.db.databases import database_for_app
from common.deadline import finished_within
from common.error_codes import CommonErrorCode
from common.events.registry import inbox_model, outbox_model

logger = logging.getLogger(__name__)

# A database that is down makes its pool wait DATABASE_POOL_TIMEOUT for a connection; the
# scrape does not wait that long for it (Prometheus gives up after 10 s by default).
DATABASE_DEADLINE_SECONDS = 3.0
BREAKER_STATES = (pybreaker.STATE_CLOSED, pybreaker.STATE_OPEN, pybreaker.STATE_HALF_OPEN)


@dataclass(frozen=True)
class Breaker:
    metric: str  # the gauge's name: 1 for the breaker's current state, 0 for the others
    help: str
    source: str  # named as in /health/components
    state: Callable[[], str]  # the current state; it may raise when it cannot be read


_breakers: list[Breaker] = []


def register_breaker(metric: str, help: str, *, source: str, state: Callable[[], str]) -> None:
    """A circuit breaker's state as a gauge: an app registers its own from `ready()`."""
    if all(breaker.metric != metric for breaker in _breakers):
        _breakers.append(Breaker(metric, help, source, state))


def _event_tables(app: str) -> tuple[int, datetime | None, int]:
    """Unpublished outbox events, the oldest one's time and dead letters of `app`."""
    alias = database_for_app(app)
    Inbox = inbox_model(app)
    outbox = (
        outbox_model(app)
        ._default_manager.using(alias)
        .filter(published_at__isnull=True)
        .aggregate(count=Count("pk"), oldest=Min("occurred_at"))
    )
    dead = Inbox._default_manager.using(alias).filter(status=Inbox.Status.DEAD).count()
    return outbox["count"], outbox["oldest"], dead


class DomainCollector:
    """Outbox backlog and dead letters of each app's database, and the registered circuit
    breakers. The databases are asked at once, each in a thread; one that fails or
    does not answer within DATABASE_DEADLINE_SECONDS is logged and left out, and
    `autosalon_metrics_source_up` says which."""

    def collect(self) -> list[GaugeMetricFamily]:
        labels = ["app", "database"]
        backlog = GaugeMetricFamily(
            "autosalon_outbox_unpublished_events",
            "Outbox events not yet published to the broker.",
            labels=labels,
        )
        oldest = GaugeMetricFamily(
            "autosalon_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox event (0 when there is none).",
            labels=labels,
        )
        dead = GaugeMetricFamily(
            "autosalon_inbox_dead_letters",
            "Inbox entries that failed every retry (status dead).",
            labels=labels,
        )
        up = GaugeMetricFamily(
            "autosalon_metrics_source_up",
            "1 if the source of the gauges above answered this scrape, 0 if it did not.",
            labels=["source"],
        )
        sources_up: dict[str, bool] = {}

        finished = finished_within(
            {app: partial(_event_tables, app) for app in settings.DOMAIN_APPS},
            seconds=DATABASE_DEADLINE_SECONDS,
        )
        now = timezone.now()
        for app in settings.DOMAIN_APPS:
            alias = database_for_app(app)
            source = f"database:{alias}"
            future = finished.get(app)
            if future is None:
                logger.warning(
                    "Metrics: database %s did not answer in %s s", alias, DATABASE_DEADLINE_SECONDS
                )
                sources_up[source] = False
                continue
            try:
                count, oldest_at, dead_letters = future.result()
            except Exception:
                logger.exception("Metrics: database %s failed", alias)
                sources_up[source] = False
                continue
            age = (now - oldest_at).total_seconds() if oldest_at else 0
            backlog.add_metric([app, alias], count)
            oldest.add_metric([app, alias], max(age, 0))
            dead.add_metric([app, alias], dead_letters)
            sources_up.setdefault(source, True)

        breakers = []
        for registered in _breakers:
            gauge = GaugeMetricFamily(registered.metric, registered.help, labels=["state"])
            breakers.append(gauge)
            try:
                current = registered.state()
            except Exception:
                logger.exception("Metrics: the breaker %s is unreadable", registered.source)
                sources_up[registered.source] = False
                continue
            for state in BREAKER_STATES:
                gauge.add_metric([state], 1 if state == current else 0)
            sources_up[registered.source] = True

        for source, answered in sources_up.items():
            up.add_metric([source], 1 if answered else 0)
        return [backlog, oldest, dead, *breakers, up]


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def metrics_registry() -> CollectorRegistry:
    """Every worker's files in multiprocess mode, this process's registry otherwise, and the
    domain gauges in both."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir())  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    registry.register(DomainCollector())
    return registry


def _bearer_matches(header: str, token: str) -> bool:
    """Compared as bytes: the servers decode header bytes as Latin-1, and compare_digest
    refuses a str with characters outside ASCII (a TypeError, a 500 under uvicorn)."""
    sent = header.encode("utf-8", "surrogateescape")
    return secrets.compare_digest(sent, f"Bearer {token}".encode())


def metrics(request: HttpRequest) -> HttpResponse:
    """With METRICS_TOKEN set (production requires it), only a scraper that sends it as a
    bearer token gets an answer; any other Authorization header, or none, gets a 401 in the
    envelope."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization")
    if token and not _bearer_matches(header or "", token):
        code = (
            CommonErrorCode.AUTHENTICATION_FAILED if header else CommonErrorCode.NOT_AUTHENTICATED
        )
        response = JsonResponse(
            error_body(code, _("Send the metrics token as a bearer token.")), status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
