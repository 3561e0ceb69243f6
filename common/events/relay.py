"""The relay process (`manage.py events_relay --follow`): a connection per app database that
LISTENs for the emitting transactions' NOTIFY and publishes their outbox rows at commit, and
a whole relay every EVENTS_RELAY_INTERVAL_SECONDS for what it missed. Any number of relays
share the work through claims (docs/operations.md, "Events: published by the relay" and
"Any number of relays")."""

import logging
import select
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import close_old_connections

from common.db.databases import database_for_app, direct_connection_params
from common.events import publishing, registry
from common.liveness import heartbeat

logger = logging.getLogger(__name__)


def _listen(alias: str) -> psycopg.Connection:
    """A connection of its own to the `alias` database, listening to the relay's channel:
    straight to PostgreSQL, past a pooler in transaction mode, which would drop the LISTEN."""
    params = direct_connection_params(alias)
    params.setdefault("connect_timeout", 5)
    listener = psycopg.connect(**params, autocommit=True)
    listener.execute(f"LISTEN {publishing.RELAY_CHANNEL}")
    return listener


def _drain(listener: psycopg.Connection) -> int:
    """Read every notification already delivered; returns how many."""
    return sum(1 for _ in listener.notifies(timeout=0))


class Relay:
    def __init__(self) -> None:
        self.sweep_seconds = settings.EVENTS_RELAY_INTERVAL_SECONDS
        self.batch_interval = settings.EVENTS_RELAY_BATCH_INTERVAL_SECONDS
        self.apps = list(registry.outbox_apps())
        self.listeners: dict[str, psycopg.Connection] = {}
        self.published: dict[str, float] = {}  # by app: when it was last published
        self.due: dict[str, float] = {}  # by app, once woken: when to publish it

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
        self.published = dict.fromkeys(self.apps, time.monotonic())  # it publishes them all
        try:
            publishing.relay()
        except Exception:
            logger.exception("The relay's sweep failed; it runs again in %ss", self.sweep_seconds)

    def _woken(self, app_label: str) -> None:
        """Publish the app's rows at once, or at the end of the batch interval that its last
        publication started."""
        after_last = self.published.get(app_label, float("-inf")) + self.batch_interval
        self.due.setdefault(app_label, max(time.monotonic(), after_last))

    def _publish_due(self) -> None:
        for app_label, due in list(self.due.items()):
            if due <= time.monotonic():
                del self.due[app_label]
                self.published[app_label] = time.monotonic()
                self._publish(app_label)

    def _publish(self, app_label: str) -> None:
        close_old_connections()
        try:
            while (
                publishing.publish_pending(app_label) == publishing.RELAY_BATCH_SIZE
            ):  # maybe more
                pass
        except Exception:
            logger.exception("Publishing %s's events failed; the sweep retries", app_label)

    def run(self, *, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Until `should_stop()` is true (checked at least every second). Every turn of the
        loop touches the relay's heartbeat, at most once a second, for `manage.py probe
        relay` (docs/operations.md, "Health")."""
        self._sweep()  # what was written while no relay listened
        next_sweep = time.monotonic() + self.sweep_seconds
        beaten = 0.0
        while not should_stop():
            if time.monotonic() - beaten >= 1:
                heartbeat("relay")
                beaten = time.monotonic()
            # A database already due is not listened to until it is published: its
            # notifications wait in the connection and are read in one go.
            by_fd = {
                listener.fileno(): app
                for app, listener in self.listeners.items()
                if app not in self.due
            }
            wake_at = min([next_sweep, *self.due.values()])
            timeout = max(0.0, min(1.0, wake_at - time.monotonic()))
            ready, _, _ = select.select(list(by_fd), [], [], timeout)
            for fd in ready:
                app_label = by_fd[fd]
                try:
                    woken = _drain(self.listeners[app_label])
                except psycopg.Error as exc:
                    self._drop(app_label, exc)
                    continue
                if woken:
                    self._woken(app_label)
            self._publish_due()
            if time.monotonic() >= next_sweep:
                self._sweep()
                next_sweep = time.monotonic() + self.sweep_seconds

    def close(self) -> None:
        for listener in self.listeners.values():
            listener.close()
        self.listeners.clear()
