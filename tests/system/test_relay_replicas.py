"""Any number of relays on the same databases (docs/operations.md, "Events: published by the
relay"): each claims its batch with `SELECT ... FOR UPDATE SKIP LOCKED`, hands it over and
marks it in one transaction, so every event goes out once per outlet (the Celery consumers,
RabbitMQ), and the rows of a relay that dies holding a claim go to a survivor."""

import ast
import os
import re
import signal
import socket
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone
from kombu import Queue

from accounts import events as account_events
from accounts.models import OutboxEvent
from common.db.databases import database_for_app
from common.events import publishing, registry, types
from tests.conftest import RABBITMQ_URL
from tests.pgbouncer import behind, in_front_of_the_test_server
from tests.processes import RelayProcess, Worker, purge_broker, wait_for
from tests.rabbitmq import drain, queue_of_its_own

pytestmark = [
    pytest.mark.xdist_group("machine"),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

USER_UPDATED = "user.updated"


def emit(user, count: int) -> list[str]:
    """`count` user.updated events of `user`, committed in one transaction (one NOTIFY)."""
    with transaction.atomic(using=account_events.USER_UPDATED.using):
        return [
            account_events.USER_UPDATED.emit(
                aggregate_id=user.pk, payload=account_events.user_payload(user)
            ).id
            for _ in range(count)
        ]


def in_threads(target, count: int) -> list:
    """Run `target(i)` in `count` threads at once, each with its own connections; their
    results, in order. Raises when any thread failed."""
    results, errors = [None] * count, []

    def run(i):
        try:
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def inbox_counts(ids: list[str]) -> dict[str, int]:
    """For every consumer of user.updated: how many of the events its inbox holds."""
    return {
        consumer.name: registry.inbox_model(consumer.app_label)
        ._default_manager.using(consumer.using)
        .filter(event_id__in=ids, consumer=consumer.name)
        .count()
        for consumer in registry.consumers_for(USER_UPDATED)
    }


def all_published() -> bool:
    return not any(
        registry.outbox_model(app_label)
        ._default_manager.using(database_for_app(app_label))
        .filter(published_at__isnull=True)
        .exists()
        for app_label in registry.outbox_apps()
    )


DISPATCH = re.compile(r"event_dispatch_task\[\S+\] succeeded in \S+: (\{[^}]*\}) .*event_id=(\S+)")


def deliveries_in(log_path) -> Counter:
    """The deliveries the worker made, counted by (consumer, event id, result): True applied,
    False a repeat of one applied before. Each event arrives in one dispatch task, whose
    result maps its consumers to theirs."""
    return Counter(
        (consumer, event_id, str(result))
        for results, event_id in DISPATCH.findall(log_path.read_text())
        for consumer, result in ast.literal_eval(results).items()
    )


def assert_delivered_once(log_path, ids: list[str]) -> None:
    """Every consumer ran each event once and applied it; no task was a repeat."""
    ran = deliveries_in(log_path)
    expected = {
        (consumer.name, event_id, "True")
        for event_id in ids
        for consumer in registry.consumers_for(USER_UPDATED)
    }
    assert expected <= set(ran)
    assert set(ran.values()) == {1}
    assert not [key for key in ran if key[2] != "True"]


# TWO CLAIMS AT ONCE (no processes)
# ------------------------------------------------------------------------------
def test_two_concurrent_claims_split_the_rows_without_overlap(customer, settings):
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    ids = emit(customer, 40)
    both_hold = threading.Barrier(2, timeout=30)
    rows = OutboxEvent.objects.filter(published_at__isnull=True).order_by("occurred_at")

    def claim(_):
        with publishing._claim("accounts", rows, 30) as claimed:
            both_hold.wait()  # neither commits before the other has claimed
            return {str(row.pk) for row in claimed}

    first, second = in_threads(claim, 2)

    assert not first & second
    assert first | second == set(ids)
    assert len(first) <= 30 and len(second) <= 30  # each its own batch


def test_a_claim_takes_the_rows_committed_after_its_relay_read_the_clock(customer, settings):
    """A relay's sweep may read the clock while a transaction emits and claim after its
    commit: the claim takes what it sees committed, the whole transaction, and not only its
    events that occurred before that time (nor does it pass over an emitter whose clock runs
    ahead). An age asked for (beat's grace) still holds back the younger rows."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    ids = emit(customer, 3)
    rows = OutboxEvent.objects.filter(pk__in=ids)
    rows.update(occurred_at=timezone.now() + timedelta(seconds=5))  # later than the claim

    assert publishing.publish_pending("accounts", older_than_seconds=60) == 0
    assert publishing.publish_pending("accounts") == 3  # tasks run in-process here
    assert sorted(set(rows.values_list("attempts", flat=True))) == [1]


def test_publishing_on_commit_skips_rows_a_relay_has_claimed_or_published(customer, settings):
    """Embedded mode publishes at commit; a relay may hold or have published the same row."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    held, published, free = emit(customer, 3)
    OutboxEvent.objects.filter(pk=published).update(published_at=timezone.now(), attempts=1)
    events = [
        types.event_from_outbox_row(row, "accounts")
        for row in OutboxEvent.objects.filter(pk__in=[held, published, free])
    ]
    claimed, release = threading.Event(), threading.Event()

    def relay_holding(_):
        with publishing._claim("accounts", OutboxEvent.objects.filter(pk=held), 1) as rows:
            claimed.set()
            assert release.wait(30)
            return [str(row.pk) for row in rows]

    holder_results = []
    holder = threading.Thread(target=lambda: holder_results.append(in_threads(relay_holding, 1)))
    holder.start()
    try:
        assert claimed.wait(30)
        assert publishing.publish("accounts", events) == 1  # tasks run in-process here
    finally:
        release.set()
        holder.join(60)

    assert holder_results == [[[held]]]  # the holder's thread did not fail
    attempts = {str(pk): n for pk, n in OutboxEvent.objects.values_list("pk", "attempts")}
    assert {pk: attempts[pk] for pk in (held, published, free)} == {
        held: 0,
        published: 1,
        free: 1,
    }
    assert inbox_counts([free]) == dict.fromkeys(inbox_counts([free]), 1)
    assert set(inbox_counts([held, published]).values()) == {0}


# RELAY PROCESSES
# ------------------------------------------------------------------------------
@pytest.fixture
def rabbitmq(settings):
    """Publication to RabbitMQ on, to an exchange of this test's own with a queue of every
    routing key; the test process emits and leaves publication to the relays."""
    with queue_of_its_own() as queue:
        settings.EVENTS_PUBLISH_ON_COMMIT = False
        settings.EVENTS_AMQP_URL = RABBITMQ_URL
        settings.EVENTS_AMQP_EXCHANGE = queue.exchange.name
        yield queue


def drained_message_ids(queue: Queue) -> Counter:
    return Counter(message.properties["message_id"] for message in drain(queue))


def listeners() -> int:
    """The accounts database's connections that LISTEN for the relay."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND query = 'LISTEN autosalon_outbox'"""
        )
        return cursor.fetchone()[0]


def relay_env(settings, **extra) -> dict:
    return {
        "EVENTS_AMQP_URL": settings.EVENTS_AMQP_URL,
        "EVENTS_AMQP_EXCHANGE": settings.EVENTS_AMQP_EXCHANGE,
        "EVENTS_RELAY_INTERVAL_SECONDS": "1",
        **extra,
    }


@pytest.fixture
def pgbouncer(tmp_path):
    """A PgBouncer of the test's own in transaction mode, as production runs the relays: the
    claims go through it, the LISTEN past it (tests.pgbouncer.behind)."""
    with in_front_of_the_test_server(tmp_path / "pgbouncer", pool_size=2) as running:
        yield running


@pytest.mark.process
def test_three_relays_and_beat_publish_every_event_once_per_outlet(
    customer, settings, rabbitmq, broker, pgbouncer, tmp_path
):
    env = relay_env(settings)
    # Beat's periodic relay, every second and without grace, runs in the worker too.
    worker = Worker(
        tmp_path / "worker.log", beat=True, env={**env, "EVENTS_RELAY_GRACE_SECONDS": "0"}
    )
    relays = [
        RelayProcess(tmp_path / f"relay-{i}.log", env={**behind(pgbouncer), **env})
        for i in range(3)
    ]
    purge_broker()  # no task left over by another test
    started = []
    try:
        for process in [worker, *relays]:
            started.append(process.start())
        wait_for(lambda: listeners() == 3, message="three relays listening")

        # 240 events from four threads, in transactions of 1 to 5: many NOTIFYs at once.
        ids = [
            event_id
            for batch in in_threads(
                lambda i: [e for n in range(20) for e in emit(customer, 1 + (i + n) % 5)], 4
            )
            for event_id in batch
        ]
        assert len(ids) == 240

        wait_for(
            lambda: set(inbox_counts(ids).values()) == {len(ids)},
            timeout=120,
            message="every event in every consumer's inbox",
        )
        wait_for(all_published, message="what the consumers emitted published too")
        wait_for(
            lambda: not OutboxEvent.objects.filter(amqp_published_at__isnull=True).exists(),
            message="every event confirmed by RabbitMQ",
        )
        worker.wait_idle(timeout=60)
    finally:
        for process in reversed(started):
            process.stop()

    rows = OutboxEvent.objects.filter(pk__in=ids)
    assert rows.count() == len(ids)
    assert sorted(set(rows.values_list("attempts", flat=True))) == [1]  # handed over once
    assert not rows.filter(published_at__isnull=True).exists()
    assert_delivered_once(worker.log_path, ids)
    received = drained_message_ids(rabbitmq)
    assert set(received) >= set(ids)
    assert set(received.values()) == {1}


@pytest.fixture
def black_hole():
    """A port that accepts TCP connections and never answers: a broker that hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


def claim_held() -> bool:
    """Whether a connection to the accounts database has sat for a second in a transaction
    after a claim of rows to hand to Celery: a hung hand-over. Read without locking rows (a
    lock of the test's own would make the claim skip them)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'idle in transaction'
                  AND state_change < now() - interval '1 second'
                  AND query LIKE '%%WHERE published_at IS NULL%%FOR UPDATE SKIP LOCKED%%'"""
        )
        return cursor.fetchone()[0] > 0


def unclaimed(ids: list[str]) -> int:
    """How many of the rows no claim holds now (the test's own claim, rolled back)."""
    with transaction.atomic(using="default"):
        count = len(OutboxEvent.objects.filter(pk__in=ids).select_for_update(skip_locked=True))
        transaction.set_rollback(True, using="default")
    return count


@pytest.mark.process
def test_the_rows_of_a_relay_killed_holding_its_claim_go_to_a_survivor_within_a_sweep(
    customer, settings, rabbitmq, broker, tmp_path, black_hole
):
    sweep_seconds = 2
    settings.EVENTS_PUBLISH_ON_COMMIT = False  # the test's rows are the relays' alone
    # What the consumers emit, the worker publishes itself: the only rows for the relays to
    # take are the test's own (a victim blocked on another row would never claim them).
    worker = Worker(tmp_path / "worker.log", env={"EVENTS_PUBLISH_ON_COMMIT": "True"})
    purge_broker()  # no task left over by another test
    worker.start()
    assert all_published()
    # The victim's broker hangs: it claims the batch and blocks in the hand-over.
    victim = RelayProcess(
        tmp_path / "victim.log",
        env=relay_env(settings, CELERY_BROKER_URL=f"redis://127.0.0.1:{black_hole}/0"),
    )
    survivor = None
    try:
        victim.start()
        wait_for(lambda: listeners() == 1, message="the victim listening")
        ids = emit(customer, 50)
        wait_for(claim_held, message="the victim holding its claim")
        wait_for(lambda: unclaimed(ids) == 0, message="the victim holding every row")

        liveness = tmp_path / "survivor-liveness"
        survivor = RelayProcess(
            tmp_path / "survivor.log",
            env=relay_env(
                settings,
                EVENTS_RELAY_INTERVAL_SECONDS=str(sweep_seconds),
                LIVENESS_DIR=str(liveness),
            ),
        ).start()
        # Its heartbeat comes after its first sweep, which skipped the claimed rows.
        wait_for((liveness / "relay.alive").exists, message="the survivor's first sweep")
        assert OutboxEvent.objects.filter(pk__in=ids, published_at__isnull=True).count() == 50
        assert unclaimed(ids) == 0

        os.killpg(victim.process.pid, signal.SIGKILL)
        victim.process.wait(timeout=30)

        wait_for(
            lambda: not OutboxEvent.objects.filter(pk__in=ids, published_at__isnull=True).exists(),
            timeout=sweep_seconds + 10,  # one sweep, and room for a loaded machine
            message="the survivor publishing the dead relay's rows",
        )
        wait_for(
            lambda: set(inbox_counts(ids).values()) == {len(ids)},
            timeout=60,
            message="every event consumed",
        )
        wait_for(
            lambda: not OutboxEvent.objects.filter(amqp_published_at__isnull=True).exists(),
            message="every event confirmed by RabbitMQ",
        )
        wait_for(all_published, message="what the consumers emitted published too")
        worker.wait_idle(timeout=60)
    finally:
        if survivor:
            survivor.stop()
        if victim.process and victim.process.poll() is None:  # it ignores SIGTERM while hung
            os.killpg(victim.process.pid, signal.SIGKILL)
            victim.process.wait(timeout=30)
        victim.stop()
        worker.stop()

    rows = OutboxEvent.objects.filter(pk__in=ids)
    # The victim's marks died with its transaction: the survivor's hand-over is the only one.
    assert sorted(set(rows.values_list("attempts", flat=True))) == [1]
    assert_delivered_once(worker.log_path, ids)
    received = drained_message_ids(rabbitmq)
    assert set(received) >= set(ids)
    assert set(received.values()) == {1}


@pytest.mark.process
def test_relays_behind_pgbouncer_listen_past_it(customer, settings, worker, pgbouncer, tmp_path):
    """In transaction mode PgBouncer keeps no session: a LISTEN through it would hear
    nothing. With their sweep an hour away, only the NOTIFY heard on the direct
    connection can wake the relays."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    relays = [
        RelayProcess(
            tmp_path / f"relay-{i}.log",
            env={**behind(pgbouncer), "EVENTS_RELAY_INTERVAL_SECONDS": "3600"},
        )
        for i in range(2)
    ]
    started = []
    try:
        for relay in relays:
            started.append(relay.start())
        wait_for(lambda: listeners() == 2, message="two relays listening")

        ids = [
            event_id
            for batch in in_threads(lambda i: [e for _ in range(5) for e in emit(customer, 2)], 4)
            for event_id in batch
        ]

        wait_for(
            lambda: set(inbox_counts(ids).values()) == {len(ids)},
            timeout=60,
            message="every event consumed, woken by its commit",
        )
        worker.wait_idle(timeout=60)
    finally:
        for relay in reversed(started):
            relay.stop()

    assert sorted(
        set(OutboxEvent.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    ) == [1]
    assert_delivered_once(worker.log_path, ids)
