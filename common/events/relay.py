"""The relay process (`manage.py events_relay --follow`): publishes outbox rows as soon as
their transaction commits, so that no web request talks to the broker (docs/operations.md,
"Events: published by the relay").

It keeps one connection per app database, outside Django's pool, that LISTENs to
`bus.RELAY_CHANNEL`; an emitting transaction NOTIFYs it, and PostgreSQL delivers the
notification at commit. Woken, the relay publishes that database's unpublished rows. Every
EVENTS_RELAY_INTERVAL_SECONDS it also runs the whole relay (`bus.relay`): rows whose
notification it missed (written while it was down or reconnecting), confirmations,
redeliveries and RabbitMQ. A listening connection that fails is opened again at the next
sweep; until then the sweep alone publishes that database's rows.

Two relays (or the relay and beat's sweep) may publish the same row twice; every consumer
records an event once (its inbox), so a duplicate costs a task and nothing else."""

import logging
import select
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import close_old_connections, connections

from common.databases import database_for_app
from common.events import bus

logger = logging.getLogger(__name__)


def _listen(alias: str) -> psycopg.Connection:
    """A connection of its own to the `alias` database, listening to the relay's channel."""
    params = connections[alias].get_connection_params()
    params.pop("cursor_factory", None)
    params.setdefault("connect_timeout", 5)
    listener = psycopg.connect(**params, autocommit=True)
    listener.execute(f"LISTEN {bus.RELAY_CHANNEL}")
    return listener


def _drain(listener: psycopg.Connection) -> int:
    """Read every notification already delivered; returns how many."""
    return sum(1 for _ in listener.notifies(timeout=0))


class Relay:
    def __init__(self):
        self.sweep_seconds = settings.EVENTS_RELAY_INTERVAL_SECONDS
        self.apps = [
            app_label
            for app_label in bus.outbox_apps()
            if connections[database_for_app(app_label)].vendor == "postgresql"
        ]
        self.listeners: dict[str, psycopg.Connection] = {}

    def _connect_missing(self) -> None:
        for app_label in self.apps:
            if app_label in self.listeners:
                continue
            try:
                self.listeners[app_label] = _listen(database_for_app(app_label))
            except psycopg.Error as exc:
                logger.warning("The relay cannot listen to %s's database yet: %s", app_label, exc)

    def _drop(self, app_label: str, exc: Exception) -> None:
        logger.warning("The relay lost %s's database: %s", app_label, exc)
        listener = self.listeners.pop(app_label)
        listener.close()

    def _sweep(self) -> None:
        close_old_connections()
        self._connect_missing()
        try:
            bus.relay()
        except Exception:
            logger.exception("The relay's sweep failed; it runs again in %ss", self.sweep_seconds)

    def _publish(self, app_label: str) -> None:
        close_old_connections()
        try:
            while bus.publish_pending(app_label) == bus.RELAY_BATCH_SIZE:  # maybe more
                pass
        except Exception:
            logger.exception("Publishing %s's events failed; the sweep retries", app_label)

    def run(self, *, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Until `should_stop()` is true (checked at least every second)."""
        self._sweep()  # what was written while no relay listened
        next_sweep = time.monotonic() + self.sweep_seconds
        while not should_stop():
            by_fd = {listener.fileno(): app for app, listener in self.listeners.items()}
            timeout = max(0.0, min(1.0, next_sweep - time.monotonic()))
            ready, _, _ = select.select(list(by_fd), [], [], timeout)
            for fd in ready:
                app_label = by_fd[fd]
                try:
                    woken = _drain(self.listeners[app_label])
                except psycopg.Error as exc:
                    self._drop(app_label, exc)
                    continue
                if woken:
                    self._publish(app_label)
            if time.monotonic() >= next_sweep:
                self._sweep()
                next_sweep = time.monotonic() + self.sweep_seconds

    def close(self) -> None:
        for listener in self.listeners.values():
            listener.close()
        self.listeners.clear()
