"""The relay process (`manage.py events_relay --follow`): publishes outbox rows as soon as
their transaction commits, so that no web request talks to the broker (docs/operations.md,
"Events: published by the relay").

It keeps one connection per app database, outside Django's pool, that LISTENs to
`publishing.RELAY_CHANNEL`; an emitting transaction NOTIFYs it, and PostgreSQL delivers the
notification at commit. Woken, the relay publishes that database's unpublished rows. Every
EVENTS_RELAY_INTERVAL_SECONDS it also runs the whole relay (`publishing.relay`): rows whose
notification it missed (written while it was down or reconnecting), confirmations,
redeliveries and RabbitMQ. A listening connection that fails is opened again at the next
sweep; until then the sweep alone publishes that database's rows.

Under load, a database's notifications are gathered: the relay publishes from one database
at most once every EVENTS_RELAY_BATCH_INTERVAL_SECONDS (20 ms), so that the events committed
in between go out in one claim; an idle relay publishes at once. Most of a hand-over's cost
is the claim's round trips, not the events in it (docs/operations.md, "Events: published by
the relay").

Any number of relays (replicas, and beat's periodic `events_relay_task`) may run at once on
the same databases: every path that publishes rows (to Celery, RabbitMQ, Kafka) and every
redelivery claims its batch with `SELECT ... FOR UPDATE SKIP LOCKED` in a transaction on the
app's database, hands the rows over, marks them and commits (`publishing._claim`). Another relay
skips the claimed rows, then finds them marked: each event is handed over once per outlet.
A relay that dies while it holds a claim loses its connection; PostgreSQL rolls its
transaction back and the rows are free again, for the next sweep of any relay (within
EVENTS_RELAY_INTERVAL_SECONDS) or at once if one is woken. Behind PgBouncer in transaction
mode a claim is one transaction and works as is; the LISTEN needs a session of its own, so it
goes straight to PostgreSQL (`DATABASE_DIRECT_URL_<APP>`, docs/operations.md, "Connections").

The one duplicate left: a relay that dies (or loses its database) after the broker took a
batch and before its transaction commits the marks; the rows are handed over again. Every
consumer records an event once (its inbox), and partners drop RabbitMQ and Kafka repeats by
the event id, so such a duplicate costs a message and nothing else."""

import logging
import select
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import close_old_connections, connections

from common.databases import database_for_app, direct_connection_params
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
        self.apps = [
            app_label
            for app_label in registry.outbox_apps()
            if connections[database_for_app(app_label)].vendor == "postgresql"
        ]
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
