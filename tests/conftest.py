"""Fixtures for tests that run a real Celery worker process."""

import pytest

from config.celery import app as celery_app
from tests.processes import AsgiServer, Worker


@pytest.fixture
def broker(monkeypatch, settings):
    """Publish for real instead of running tasks in-process; `broker.down()` points the
    publisher at a port where nothing listens, `broker.up()` back at Redis."""

    class Broker:
        def point_at(self, url):
            # The app reads Django settings under the CELERY_ namespace.
            monkeypatch.setattr(celery_app.conf, "CELERY_BROKER_URL", url)
            celery_app._after_fork()  # drop pooled connections to the old address

        def down(self):
            self.point_at("redis://127.0.0.1:1/15")

        def up(self):
            self.point_at(settings.CELERY_BROKER_URL)

    monkeypatch.setattr(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", False)
    broker = Broker()
    broker.up()
    yield broker
    broker.up()


@pytest.fixture
def worker(tmp_path, broker):
    celery_app.control.purge()
    running = Worker(tmp_path / "worker.log").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """The ASGI application served by uvicorn on the test databases and Redis."""
    running = AsgiServer(tmp_path_factory.mktemp("asgi") / "server.log").start()
    yield running
    running.stop()
