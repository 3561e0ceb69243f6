"""Events published by the relay process, not by the request (docs/operations.md, "Events:
published by the relay"): the request commits its outbox row and NOTIFY, and returns; the
relay, woken at commit, hands the event to the broker and records it; a worker consumes it."""

import httpx
import pytest
from django.db import connections

from accounts.models import InboxEvent as AccountsInbox
from accounts.tokens import AccessToken
from orders.models import OutboxEvent
from orders.tests.factories import order_make, product_make
from tests.processes import HttpServer, RelayProcess, queue_length, wait_for

# Its tests share the module's Celery worker: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = [
    pytest.mark.xdist_group("outbox_relay"),
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


@pytest.fixture
def off_the_request(settings):
    """The servers and the relay started by the test run as production does."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False


@pytest.fixture
def http_server(off_the_request, django_db_setup, tmp_path):
    running = HttpServer(tmp_path / "http.log").start()
    yield running
    running.stop()


def order_post(server, customer, car) -> dict:
    auth = {"Authorization": f"Bearer {AccessToken.for_user(customer)}"}
    response = httpx.post(
        f"{server.url}/api/v1/orders/",
        json={"items": [{"product_id": str(car.pk), "quantity": 1}]},
        headers=auth,
        timeout=20,
    )
    assert response.status_code == 201, response.text
    return response.json()


def consumed(order_id: str) -> bool:
    """`order.created` of the order, recorded by its accounts consumer."""
    event = OutboxEvent.objects.get(type="order.created", aggregate_id=order_id)
    return AccountsInbox.objects.filter(
        event_id=event.pk, consumer="accounts.log_order_placed"
    ).exists()


def test_the_request_only_commits_the_row_and_the_relay_publishes_it(
    http_server, worker, customer, tmp_path
):
    car = product_make(stock=5)

    order = order_post(http_server, customer, car)

    # The request has returned: nothing went to the broker, the row is as it was written.
    row = OutboxEvent.objects.get(type="order.created", aggregate_id=order["id"])
    assert row.published_at is None and row.attempts == 0
    assert queue_length(worker.queue) == 0
    assert not consumed(order["id"])

    relay = RelayProcess(tmp_path / "relay.log").start()  # catches up on what it missed
    try:
        wait_for(lambda: consumed(order["id"]), message="order.created consumed")
        row.refresh_from_db()
        assert row.published_at is not None and row.attempts == 1
    finally:
        relay.stop()


def test_a_running_relay_is_woken_by_the_commit_not_by_its_sweep(
    http_server, worker, customer, tmp_path
):
    car = product_make(stock=5)
    # Its sweep runs at start and then not for an hour: only the NOTIFY can wake it.
    relay = RelayProcess(
        tmp_path / "relay.log", env={"EVENTS_RELAY_INTERVAL_SECONDS": "3600"}
    ).start()
    try:
        orders = [order_post(http_server, customer, car) for _ in range(3)]
        for order in orders:
            wait_for(lambda order=order: consumed(order["id"]), message="consumed")
    finally:
        relay.stop()

    rows = OutboxEvent.objects.filter(type="order.created")
    assert rows.count() == 3
    assert all(row.published_at is not None and row.attempts == 1 for row in rows)


def test_under_load_the_relay_gathers_a_database_s_commits_into_one_claim(
    off_the_request, worker, customer, tmp_path
):
    car = product_make(stock=10)
    relay = RelayProcess(
        tmp_path / "relay.log",
        env={"EVENTS_RELAY_INTERVAL_SECONDS": "3600", "EVENTS_RELAY_BATCH_INTERVAL_SECONDS": "2"},
    ).start()
    unpublished = OutboxEvent.objects.filter(published_at__isnull=True)
    try:
        order_make(customer, (car, 1))
        wait_for(lambda: not unpublished.exists(), message="the first order published")
        first = set(OutboxEvent.objects.values_list("published_at", flat=True))
        # Within the interval that the first publication started: gathered, not published.
        for _ in range(5):
            order_make(customer, (car, 1))
        wait_for(lambda: not unpublished.exists(), timeout=30, message="the rest published")
    finally:
        relay.stop()

    (first_published,) = first
    rest = OutboxEvent.objects.exclude(published_at=first_published)
    assert rest.filter(type="order.created").count() == 5
    (gathered,) = set(rest.values_list("published_at", flat=True))  # one claim
    assert (gathered - first_published).total_seconds() > 1.5


def listening_backends() -> list[int]:
    """The orders database's connections that LISTEN for the relay."""
    with connections["orders"].cursor() as cursor:
        cursor.execute(
            """SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND query = 'LISTEN autosalon_outbox'"""
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_relay_that_loses_its_listening_connection_listens_again_and_misses_nothing(
    http_server, worker, customer, tmp_path
):
    car = product_make(stock=5)
    relay = RelayProcess(tmp_path / "relay.log", env={"EVENTS_RELAY_INTERVAL_SECONDS": "1"})
    relay.start()
    try:
        wait_for(listening_backends, message="the relay listening")
        (backend,) = listening_backends()
        with connections["orders"].cursor() as cursor:
            # The relay's own connection: the relay is this test's process.
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])

        order = order_post(http_server, customer, car)

        wait_for(lambda: consumed(order["id"]), message="consumed after the connection was lost")
        wait_for(lambda: listening_backends() not in ([], [backend]), message="listening again")
    finally:
        relay.stop()
    assert "The relay lost orders's database" in relay.log_path.read_text()
