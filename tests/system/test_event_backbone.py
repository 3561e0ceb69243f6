"""The event backbone: outbox in the emitter's transaction, at-most-once consumers, relay
and dead letters (docs/architecture.md §3.4)."""

from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from celery.signals import task_prerun
from django.core.management import call_command
from django.db import transaction

from catalog.models import InboxEvent as CatalogInbox
from common.events import DomainEvent, consumer, delivery, publishing, types
from common.events.signing import sign
from common.middleware import request_id_bound
from common.tasks import event_deliver_task, event_dispatch_task
from conftest import run_concurrently
from orders.models import InboxEvent, OutboxEvent

pytestmark = pytest.mark.django_db(databases="__all__")


# The test's own event types: internal, so that only this module's consumers see them, and
# with no published schema (the apps' events are checked in tests/contracts/test_event_contract.py).
@dataclass(frozen=True)
class Probe:
    """The test events' payload: a number, or nothing."""

    n: int | None = None


PING = DomainEvent("test.ping", payload=Probe, app_label="orders", internal=True)
applied: list[str] = []
failures = {"remaining": 0}


@consumer("test.ping", name="orders.test_ping_counter", app_label="orders")
@consumer("test.pong", name="orders.test_pong_counter", app_label="orders")
def count_ping(event):
    if failures["remaining"]:
        failures["remaining"] -= 1
        raise RuntimeError("consumer is down")
    applied.append(event.id)
    OutboxEvent.objects.using("orders").filter(pk=event.id).update(aggregate_id="applied")


def signed(event: dict, consumers: list[str]) -> dict:
    """The task's keyword arguments: the signature the relay gives the message."""
    return {"signature": sign(event, consumers)}


# An event of two consumers, the second in another database and never failing.
PONG = DomainEvent("test.pong", payload=Probe, app_label="orders", internal=True)
PONG_CONSUMERS = ["orders.test_pong_counter", "catalog.test_pong_echo"]
echoed: list[str] = []


@consumer("test.pong", name="catalog.test_pong_echo", app_label="catalog")
def echo_pong(event):
    echoed.append(event.id)


@pytest.fixture(autouse=True)
def _reset(settings):
    settings.EVENTS_VALIDATE_PAYLOADS = False
    applied.clear()
    echoed.clear()
    failures["remaining"] = 0


def emit(payload=None, *, event_type=PING):
    with transaction.atomic(using="orders"):
        return event_type.emit(aggregate_id="agg-1", payload=payload or {"n": 1})


@pytest.mark.django_db(transaction=True, databases=["orders"])
def test_emitting_outside_a_transaction_of_its_database_is_refused():
    with pytest.raises(RuntimeError, match="inside atomic"):
        PING.emit(aggregate_id="x", payload={})


def test_an_event_is_written_with_the_change_and_rolled_back_with_it():
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="orders"):
        PING.emit(aggregate_id="lost", payload={})
        1 / 0  # noqa: B018

    event = emit({"n": 2})

    row = OutboxEvent.objects.get()
    assert str(row.id) == event.id
    assert (row.type, row.aggregate_id, row.payload) == ("test.ping", "agg-1", {"n": 2})
    assert row.published_at is None


def test_the_event_carries_the_request_id_and_is_sent_as_a_signal():
    received = []

    def listener(sender, event, **kwargs):
        received.append(event)

    PING.signal.connect(listener)
    try:
        with request_id_bound("req-123"):
            event = emit()
    finally:
        PING.signal.disconnect(listener)

    assert event.request_id == "req-123"
    assert OutboxEvent.objects.get().request_id == "req-123"
    assert [e.id for e in received] == [event.id]


def test_after_commit_the_event_is_published_and_applied(run_on_commit):
    with run_on_commit():
        event = emit()

    assert applied == [event.id]
    assert OutboxEvent.objects.get().published_at is not None
    assert InboxEvent.objects.get(event_id=event.id).status == InboxEvent.Status.PROCESSED


def test_a_second_delivery_of_the_same_event_changes_nothing():
    event = emit()

    first = delivery.deliver("orders.test_ping_counter", event.as_dict())
    second = delivery.deliver("orders.test_ping_counter", event.as_dict())

    assert (first, second) == (True, False)
    assert applied == [event.id]
    assert InboxEvent.objects.filter(event_id=event.id).count() == 1


def test_a_failing_consumer_leaves_no_inbox_row_so_a_retry_applies_it():
    event = emit()
    failures["remaining"] = 1

    with pytest.raises(RuntimeError):
        delivery.deliver("orders.test_ping_counter", event.as_dict())
    assert not InboxEvent.objects.exists()

    assert delivery.deliver("orders.test_ping_counter", event.as_dict()) is True
    assert applied == [event.id]


@pytest.fixture
def tasks_run():
    """The tasks that ran in this process, as (task name, args), in order."""
    ran = []

    def record(sender=None, args=None, **kwargs):
        ran.append((sender.name, args))

    task_prerun.connect(record, weak=False)
    yield ran
    task_prerun.disconnect(record)


def test_the_relay_hands_an_event_over_once_for_all_its_consumers(tasks_run):
    event = emit(event_type=PONG)  # the on-commit publisher never ran

    call_command("events_relay", stdout=StringIO())

    assert tasks_run == [(event_dispatch_task.name, [event.as_dict(), PONG_CONSUMERS])]
    assert (applied, echoed) == ([event.id], [event.id])
    assert InboxEvent.objects.get().consumer == "orders.test_pong_counter"
    assert CatalogInbox.objects.get().consumer == "catalog.test_pong_echo"


def test_a_consumer_that_fails_is_retried_alone(tasks_run):
    event = emit(event_type=PONG)
    failures["remaining"] = 1

    results = event_dispatch_task.apply(
        args=[event.as_dict(), PONG_CONSUMERS], kwargs=signed(event.as_dict(), PONG_CONSUMERS)
    ).get()

    assert results == {"orders.test_pong_counter": None, "catalog.test_pong_echo": True}
    # The failed one went on as a delivery task of its own, counted as its first retry; the
    # other consumer was not run again.
    assert tasks_run[1:] == [
        (event_deliver_task.name, ["orders.test_pong_counter", event.as_dict()])
    ]
    assert (applied, echoed) == ([event.id], [event.id])
    assert InboxEvent.objects.get().status == InboxEvent.Status.PROCESSED


def test_a_consumer_that_always_fails_becomes_a_dead_letter_after_as_many_attempts():
    event = emit(event_type=PONG)
    failures["remaining"] = 100

    event_dispatch_task.apply(
        args=[event.as_dict(), PONG_CONSUMERS], kwargs=signed(event.as_dict(), PONG_CONSUMERS)
    )

    dead = InboxEvent.objects.get(event_id=event.id)
    assert dead.status == InboxEvent.Status.DEAD
    # The dispatch's own attempt counts as the first, as a delivery task's first run does.
    assert dead.attempts == event_deliver_task.max_retries + 1
    assert 100 - failures["remaining"] == dead.attempts  # the handler's runs
    assert echoed == [event.id]
    assert CatalogInbox.objects.get().status == CatalogInbox.Status.PROCESSED


def test_with_no_retries_allowed_a_failing_consumer_is_a_dead_letter_at_once(monkeypatch):
    monkeypatch.setattr(event_deliver_task, "max_retries", 0)
    event = emit(event_type=PONG)
    failures["remaining"] = 100

    results = event_dispatch_task.apply(
        args=[event.as_dict(), PONG_CONSUMERS], kwargs=signed(event.as_dict(), PONG_CONSUMERS)
    ).get()

    assert results == {"orders.test_pong_counter": None, "catalog.test_pong_echo": True}
    dead = InboxEvent.objects.get(event_id=event.id)
    assert (dead.status, dead.attempts) == (InboxEvent.Status.DEAD, 1)
    assert 100 - failures["remaining"] == 1  # the handler ran once


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_deliveries_of_one_event_at_once_apply_it_once():
    event = types.Event(type="test.pong", aggregate_id="agg-1", payload={"n": 1})

    results = run_concurrently(
        2, lambda: delivery.deliver("catalog.test_pong_echo", event.as_dict())
    )

    assert sorted(results) == [False, True]
    assert echoed == [event.id]
    assert CatalogInbox.objects.get().status == CatalogInbox.Status.PROCESSED


def due_again_after(row: OutboxEvent) -> timedelta | None:
    """How long after its publication the row is due again; None: it is not."""
    if row.next_attempt_at is None:
        return None
    assert row.published_at is not None, "due again, yet never published"
    return row.next_attempt_at - row.published_at


def hand_over_by_both_paths(count: int, tasks_run) -> list[tuple]:
    """Publish `count` unpublished events by the relay's one statement (`publish_pending` on
    PostgreSQL), then, the rows set back as they were, by the plain claim
    (`_publish_claimed`): for each path, the messages sent and the rows' marks."""
    ids = [emit(event_type=PONG).id for _ in range(count)]
    rows = OutboxEvent.objects.filter(pk__in=ids).order_by("occurred_at")
    outcomes = []
    for publish in (
        lambda: publishing.publish_pending("orders"),
        lambda: publishing._publish_claimed(
            "orders", rows.filter(published_at=None), batch_size=500
        ),
    ):
        tasks_run.clear()
        went_out = publish()
        marks = [
            (
                row.published_at is not None,
                row.attempts,
                due_again_after(row),
            )
            for row in rows
        ]
        outcomes.append((went_out, list(tasks_run), marks))
        # As they were written (the counter marks the rows it applies).
        rows.update(published_at=None, attempts=0, next_attempt_at=None, aggregate_id="agg-1")
    return outcomes


def test_the_relay_s_one_statement_claims_and_marks_as_the_plain_claim_does(tasks_run):
    one_statement, plain = hand_over_by_both_paths(3, tasks_run)

    assert one_statement == plain
    went_out, messages, marks = plain
    assert went_out == len(messages) == 3
    assert marks == [(True, 1, publishing.redelivery_delay(1))] * 3


def test_with_the_broker_down_the_relay_s_one_statement_marks_nothing(broker, tasks_run):
    broker.down()

    one_statement, plain = hand_over_by_both_paths(2, tasks_run)

    assert one_statement == plain == (0, [], [(False, 0, None)] * 2)


def test_relay_publishes_what_is_still_unpublished():
    event = emit()  # the on-commit publisher never ran: as if the process had crashed

    call_command("events_relay", stdout=StringIO())

    assert OutboxEvent.objects.get().published_at is not None
    assert applied == [event.id]
    call_command("events_relay", stdout=StringIO())
    assert applied == [event.id]


def test_after_the_last_retry_the_event_is_a_dead_letter_and_can_be_replayed():
    event = emit()
    failures["remaining"] = 100

    result = event_deliver_task.apply(
        args=["orders.test_ping_counter", event.as_dict()],
        kwargs=signed(event.as_dict(), ["orders.test_ping_counter"]),
    )

    assert result.failed()

    dead = InboxEvent.objects.get(event_id=event.id)
    assert dead.status == InboxEvent.Status.DEAD
    assert dead.attempts == event_deliver_task.max_retries + 1
    assert "consumer is down" in dead.last_error
    listing = StringIO()
    call_command("events_dead_letters", stdout=listing)
    assert event.id in listing.getvalue()

    failures["remaining"] = 0
    out = StringIO()
    call_command("events_dead_letters", "--replay", event.id, stdout=out)

    assert "1 applied" in out.getvalue()
    assert applied == [event.id]
    assert InboxEvent.objects.get(event_id=event.id).status == InboxEvent.Status.PROCESSED
    assert delivery.deliver("orders.test_ping_counter", event.as_dict()) is False


def test_an_event_nobody_consumes_is_stored_as_delivered_and_never_handed_over(run_on_commit):
    unheard = DomainEvent("test.unheard", payload=Probe, app_label="orders", internal=True)
    with run_on_commit(), transaction.atomic(using="orders"):
        unheard.emit(aggregate_id="x", payload={})

    row = OutboxEvent.objects.get()
    assert row.delivered_at is not None
    assert (row.published_at, row.attempts) == (row.occurred_at, 0)


def handed_over_and_lost(event_id, *, due: bool = True):
    """What a broker that lost its data leaves behind: a published row nobody consumed."""
    from django.utils import timezone

    now = timezone.now()
    OutboxEvent.objects.filter(pk=event_id).update(
        published_at=now,
        attempts=1,
        next_attempt_at=now + timedelta(seconds=-1 if due else 60),
    )


def test_the_relay_redelivers_an_unconsumed_event_then_confirms_it(settings):
    from django.utils import timezone

    settings.EVENTS_REDELIVER_AFTER_SECONDS = 30
    event = emit()
    handed_over_and_lost(event.id, due=False)
    call_command("events_relay", stdout=StringIO())
    assert applied == []  # not due yet

    handed_over_and_lost(event.id)
    out = StringIO()
    call_command("events_relay", stdout=out)

    assert applied == [event.id]
    assert "redelivered 1" in out.getvalue()
    row = OutboxEvent.objects.get()
    assert row.attempts == 2
    assert row.delivered_at is None  # confirmed by the next round that finds it due
    backoff = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 55 < backoff <= 60  # twice the first delay

    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("events_relay", stdout=out)

    assert "confirmed 1" in out.getvalue()
    assert OutboxEvent.objects.get().delivered_at is not None
    assert applied == [event.id]  # applied once


def test_an_event_a_consumer_gave_up_on_counts_as_recorded(settings):
    event = emit()
    handed_over_and_lost(event.id)
    failures["remaining"] = 100
    event_deliver_task.apply(
        args=["orders.test_ping_counter", event.as_dict()],
        kwargs=signed(event.as_dict(), ["orders.test_ping_counter"]),
    )
    assert InboxEvent.objects.get().status == InboxEvent.Status.DEAD

    call_command("events_relay", stdout=StringIO())

    assert OutboxEvent.objects.get().delivered_at is not None  # events_dead_letters has it


def test_events_undelivered_lists_what_is_missing_and_redelivers_it_now():
    event = emit()
    handed_over_and_lost(event.id, due=False)
    delivered = emit()
    delivery.deliver("orders.test_ping_counter", delivered.as_dict())
    handed_over_and_lost(delivered.id, due=False)
    applied.clear()

    listing = StringIO()
    call_command("events_undelivered", stdout=listing)

    assert event.id in listing.getvalue()
    assert "missing: orders.test_ping_counter" in listing.getvalue()
    assert delivered.id not in listing.getvalue()
    assert "1 undelivered events." in listing.getvalue()
    assert applied == []

    call_command("events_undelivered", "--redeliver", stdout=StringIO())

    assert applied == [event.id]
    assert set(OutboxEvent.objects.values_list("delivered_at", flat=True)) != {None}
    assert OutboxEvent.objects.get(pk=delivered.id).delivered_at is not None
