"""RabbitMQ's users, virtual hosts and permissions as docker-compose.yml gives them
(deploy/compose/rabbitmq_definitions.py; docs/security.md, "Events that cannot be forged"),
on a RabbitMQ node of the test's own, loaded from the definitions the secrets script makes:
the Celery broker and the partners' events share no virtual host, the relay's user may only
publish the events, and a partner may only read queues of its own, never publish."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection, Exchange, Queue

from tests.processes import ROOT, free_port, wait_for

pytestmark = pytest.mark.process  # it starts a RabbitMQ node

DEFINITIONS = ROOT / "deploy" / "compose" / "rabbitmq_definitions.py"
REFUSED = (AccessRefused, NotAllowed)
EXCHANGE = Exchange("autosalon.events", type="topic", durable=True)
# As a partner names it: declared by the definitions, which a partner may not do again.
PARTNERS_EXCHANGE = Exchange("autosalon.events", type="topic", durable=True, no_declare=True)


class Node:
    """A RabbitMQ node of the test's own, on ports of its own, started from `definitions`."""

    def __init__(self, directory: Path, definitions: Path):
        # RabbitMQ runs as its own user, who cannot enter pytest's directories (0700).
        directory.chmod(0o755)
        loaded = shutil.copy(definitions, directory / "definitions.json")
        self.port = free_port()
        self.name = f"autosalon-test-{os.getpid()}@localhost"
        (directory / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nload_definitions = {loaded}\n"
        )
        (directory / "enabled_plugins").write_text("[].\n")
        self.env = {
            **os.environ,
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_MNESIA_BASE": str(directory / "mnesia"),
            "RABBITMQ_LOG_BASE": str(directory / "log"),
            "RABBITMQ_CONFIG_FILE": str(directory / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(directory / "enabled_plugins"),
        }
        self.directory = directory

    def start(self, celery_url: str):
        if os.geteuid() == 0:  # the server script runs RabbitMQ as its own user
            for path in [self.directory, *self.directory.rglob("*")]:
                shutil.chown(path, "rabbitmq", "rabbitmq")
        self.log = (self.directory / "server.log").open("wb")
        self.process = subprocess.Popen(
            ["rabbitmq-server"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: self._answers(celery_url), timeout=90, message="RabbitMQ answering")
        return self

    def _answers(self, url: str) -> bool:
        if self.process.poll() is not None:
            output = (self.directory / "server.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"RabbitMQ exited while starting:\n{output}", pytrace=False)
        try:
            with Connection(url, connect_timeout=1) as connection:
                connection.connect()
            return True
        except OSError:
            return False

    def ctl(self, *arguments: str, stdin: str = "") -> None:
        subprocess.run(
            ["rabbitmqctl", "-n", self.name, "-q", *arguments],
            env=self.env,
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def url(self, user: str, password: str, vhost: str) -> str:
        return f"amqp://{user}:{password}@127.0.0.1:{self.port}/{vhost}"

    def stop(self) -> None:
        # The server script runs the node through `su`, out of reach of the process group's
        # signals: rabbitmqctl stops the node, and returns once it has.
        try:
            self.ctl("stop")
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    if not shutil.which("rabbitmq-server"):
        pytest.fail("rabbitmq-server is missing: apt-get install rabbitmq-server", pytrace=False)
    secrets = tmp_path_factory.mktemp("rabbitmq") / "secrets"
    subprocess.run(
        ["sh", str(ROOT / "deploy" / "compose" / "make-secrets.sh"), str(secrets)],
        check=True,
        capture_output=True,
    )
    password = {
        user: (secrets / f"rabbitmq_{user}_password").read_text() for user in ("celery", "events")
    }
    running = Node(
        Path(tempfile.mkdtemp(prefix="autosalon-rabbitmq-")), secrets / "rabbitmq_definitions"
    )
    running.celery_url = running.url("autosalon_celery", password["celery"], "celery")
    running.events_url = running.url("autosalon_events", password["events"], "events")
    running.start(running.celery_url)
    yield running
    running.stop()


def partner(node: Node, name: str) -> str:
    """A partner's user, made with exactly the commands the definitions script prints
    (docs/events.md, "RabbitMQ"), and its URL."""
    commands = subprocess.run(
        [sys.executable, str(DEFINITIONS), "partner", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    password = f"{name}-password"
    for line in commands.splitlines():
        words = subprocess.run(
            ["sh", "-c", f'for word in {line.removeprefix("rabbitmqctl ")}; do echo "$word"; done'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        node.ctl(*words, stdin=password if words[0] == "add_user" else "")
    return node.url(f"partner-{name}", password, "events")


def test_the_celery_user_has_its_virtual_host_and_no_other(node):
    with Connection(node.celery_url) as connection:
        queue = Queue("celery", channel=connection.default_channel)
        queue.declare()
        connection.Producer().publish({"task": "x"}, routing_key="celery", retry=False)
        assert queue.get(no_ack=True).payload == {"task": "x"}

    with pytest.raises(REFUSED), Connection(node.url("autosalon_celery", "x", "events")) as other:
        other.connect()
    events_as_celery = node.celery_url.removesuffix("/celery") + "/events"
    with pytest.raises(REFUSED), Connection(events_as_celery) as connection:
        connection.connect()
        connection.default_channel.basic_get("anything")
    # No guest: the definitions made the only users.
    with pytest.raises(REFUSED), Connection(node.url("guest", "guest", "celery")) as guest:
        guest.connect()


def test_a_partner_reads_its_own_queue_and_can_neither_publish_nor_read_anothers(node):
    acme, bob = partner(node, "acme"), partner(node, "bob")
    with Connection(bob) as connection:
        Queue(
            "partner.bob.orders", PARTNERS_EXCHANGE, routing_key="order.#", channel=connection
        ).declare()

    with Connection(acme) as connection:
        mine = Queue(
            "partner.acme.orders", PARTNERS_EXCHANGE, routing_key="order.#", channel=connection
        )
        mine.declare()  # and bound to the exchange, which it may read
        with Connection(node.events_url, transport_options={"confirm_publish": True}) as relay:
            relay.Producer(exchange=EXCHANGE).publish(
                {"type": "order.created"}, routing_key="order.created", retry=False
            )
        message = None

        def received():
            nonlocal message
            message = mine.get(no_ack=True)
            return message is not None

        wait_for(received, timeout=10, message="the partner's queue receiving the event")
        assert message.payload == {"type": "order.created"}

    # Another partner's queue: neither read, nor bound, nor declared.
    for attempt in (
        lambda channel: channel.basic_get("partner.bob.orders"),
        lambda channel: channel.queue_bind("partner.bob.orders", "autosalon.events", "#"),
        lambda channel: channel.queue_declare("partner.bob.mine"),
        lambda channel: channel.queue_declare("orders"),  # nor a name outside its own
    ):
        with pytest.raises(REFUSED), Connection(acme) as connection:
            attempt(connection.channel())
    # Publishing to the exchange, a forged event: refused.
    with pytest.raises(REFUSED), Connection(acme, transport_options={"confirm_publish": True}) as c:
        c.Producer(exchange=PARTNERS_EXCHANGE).publish(
            {"type": "loan_application.disbursed"},
            routing_key="loan_application.disbursed",
            retry=False,
        )
    # Nor the workers' tasks.
    with pytest.raises(REFUSED), Connection(acme.removesuffix("/events") + "/celery") as c:
        c.connect()


def test_the_relays_user_only_publishes_the_events(node):
    with Connection(node.events_url) as connection:
        channel = connection.channel()
        EXCHANGE(channel).declare()  # as the relay does before it publishes
        with pytest.raises(REFUSED):
            connection.channel().queue_declare("partner.acme.sneaky")
        with pytest.raises(REFUSED):
            connection.channel().basic_get("partner.acme.orders")
    with (
        pytest.raises(REFUSED),
        Connection(node.events_url.removesuffix("/events") + "/celery") as c,
    ):
        c.connect()
