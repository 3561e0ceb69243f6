"""Fixtures for tests that run a real Celery worker process."""

import os

import pytest
from kombu import Connection

from config.celery import app as celery_app
from tests.processes import CHROMIUM, Chromium, Site, Worker, purge_broker, stop_together

# The RabbitMQ the event tests use (make test checks it answers; README, "Testing").
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture(scope="module")
def rabbitmq_queues():
    """The module's RabbitMQ queues, deleted once its tests (and its worker) are done."""
    queues: set[str] = set()
    yield queues
    if queues:
        with Connection(RABBITMQ_URL) as connection:
            for queue in queues:
                connection.default_channel.queue_delete(queue)


@pytest.fixture
def broker(monkeypatch, settings, request, rabbitmq_queues):
    """Publish for real instead of running tasks in-process, on Redis, or on RabbitMQ where a
    test asks for it with `@pytest.mark.parametrize("broker", BROKERS, indirect=True)`. On
    RabbitMQ the tasks go to a queue of the test process's own, deleted after the module.
    `broker.down()` points the publisher at a port where nothing listens, `broker.up()`
    back."""
    kind = getattr(request, "param", "redis")

    class Broker:
        url = settings.CELERY_BROKER_URL if kind == "redis" else RABBITMQ_URL
        queue = "celery" if kind == "redis" else f"autosalon-test-{os.getpid()}"
        # What a worker started for this test needs on top of the test environment.
        env = (
            {}
            if kind == "redis"
            else {
                "CELERY_BROKER_URL": url,
                "CELERY_TASK_DEFAULT_QUEUE": queue,
            }
        )

        def point_at(self, url):
            # The app reads Django settings under the CELERY_ namespace.
            monkeypatch.setattr(celery_app.conf, "CELERY_BROKER_URL", url)
            celery_app._after_fork()  # drop pooled connections to the old address

        def down(self):
            self.point_at(f"{self.url.split('://')[0]}://127.0.0.1:1/")

        def up(self):
            self.point_at(self.url)

    broker = Broker()
    broker.kind = kind
    if kind == "rabbitmq":
        services_required_rabbitmq()
        rabbitmq_queues.add(broker.queue)
        monkeypatch.setattr(celery_app.conf, "CELERY_TASK_DEFAULT_QUEUE", broker.queue)
        monkeypatch.setattr(
            celery_app.conf, "CELERY_BROKER_TRANSPORT_OPTIONS", {"confirm_publish": True}
        )
        for cached in ("queues", "default_queue", "router"):  # made from the old queue name
            monkeypatch.delitem(celery_app.amqp.__dict__, cached, raising=False)
    monkeypatch.setattr(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    broker.up()
    yield broker
    broker.up()


BROKERS = ["redis", "rabbitmq"]


def services_required_rabbitmq():
    try:
        with Connection(RABBITMQ_URL, connect_timeout=2) as connection:
            connection.connect()
    except OSError as exc:
        pytest.fail(f"RabbitMQ does not answer at {RABBITMQ_URL}: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def module_workers():
    """The module's Celery workers, one per broker, each started by the first test that
    asks for it and stopped after the module."""
    started: dict[str, Worker] = {}
    yield started
    stop_together(list(started.values()))


@pytest.fixture(autouse=True)
def _module_workers_for_their_tests_only(request, module_workers):
    """A test that does not ask for the module's worker runs with none: the processes it
    starts are the only consumers of its queue, and their logs hold all they did."""
    if "worker" not in request.fixturenames:
        for kind in list(module_workers):
            module_workers.pop(kind).stop()


@pytest.fixture
def worker(broker, module_workers, tmp_path_factory):
    """The module's worker on `broker`, with no task queued or running. A test that kills a
    worker starts its own (`own_worker`)."""
    purge_broker()
    running = module_workers.get(broker.kind)
    if running is None:
        log = tmp_path_factory.mktemp("worker") / "worker.log"
        running = Worker(log, env=broker.env, queue=broker.queue).start()
        module_workers[broker.kind] = running
    running.wait_idle()
    yield running
    if running.started().poll() is not None:  # it died: the next test starts another
        del module_workers[broker.kind]
        return
    purge_broker()
    running.wait_idle()


@pytest.fixture
def own_worker(tmp_path, broker):
    """A worker of the test's own, for a test that kills it: the only one on its queue (the
    module's worker is stopped for a test that does not ask for it)."""
    purge_broker()
    running = Worker(tmp_path / "worker.log", env=broker.env, queue=broker.queue).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def server(django_db_setup, tmp_path_factory):
    """The whole site on the test databases and Redis, as production serves it: Caddy in front
    of granian (HTTP) and uvicorn (the WebSocket feed). One for the session: a site per
    module, alive at once when pytest interleaves modules, ran PostgreSQL out of
    connections."""
    running = Site(tmp_path_factory.mktemp("site")).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Chromium for the run (per test worker); each test opens a context of its
    own in it (tests/browser/pages.py, `chromium_page`)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (`make test` does it)")
    running = Chromium(tmp_path_factory.mktemp("chromium")).start()
    yield running
    running.stop()


@pytest.fixture
def server_password_hashers(settings):
    """The server runs on the base settings: hash a user's password the way it checks
    passwords, not with the suite's fast hasher, so that a browser can sign in."""
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
