"""Faults an operator meets, each on real processes (docs/operations.md, "Faults"): the
broker unreachable or emptied, a database refusing connections, Redis stopped. Every
service a test stops, flushes or blocks is one it started itself: a redis-server of its
own, or the test run's own catalog database."""

import time
from decimal import Decimal

import httpx
import psycopg
import pytest
from django.db import connections

from catalog.models import StockReservation
from catalog.tests.factories import stock_of
from conftest import client_for
from orders import services as order_services
from orders.models import Order
from orders.models import OutboxEvent as OrderOutboxEvent
from orders.tests.factories import order_make, product_make
from payments.models import OutboxEvent as PaymentOutboxEvent
from payments.models import Payment
from tests.databases import server_url
from tests.processes import HttpServer, RedisServer, Worker, wait_for

pytestmark = [
    pytest.mark.process,
    pytest.mark.xdist_group("machine"),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

# Beat in the test's worker runs the relay every second and redelivers after one.
RELAY_TASK = "common.tasks.events_relay_task"
FAST_RELAY = {
    "EVENTS_RELAY_INTERVAL_SECONDS": "1",
    "EVENTS_RELAY_GRACE_SECONDS": "0",
    "EVENTS_REDELIVER_AFTER_SECONDS": "1",
}


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def own_broker(own_redis, broker, settings):
    """The test's own redis-server as the Celery broker, for this process and its workers."""
    broker.point_at(own_redis.url)
    settings.EVENTS_REDELIVER_AFTER_SECONDS = 1  # what this process publishes is due soon
    return own_redis


def worker_on(broker_redis: RedisServer, log_path, **env) -> Worker:
    return Worker(
        log_path, beat=True, env={"CELERY_BROKER_URL": broker_redis.url, **FAST_RELAY, **env}
    ).start()


# THE BROKER
# ------------------------------------------------------------------------------
def test_payments_created_while_the_broker_is_down_complete_once_it_is_back(
    own_broker, provider, customer, tmp_path
):
    orders = [order_make(customer, (product_make(price="100.00"), 1)) for _ in range(20)]
    worker = worker_on(own_broker, tmp_path / "worker.log")
    try:
        own_broker.stop()
        client = client_for(customer)

        responses = [
            client.post(
                "/api/v1/payments/",
                {"order_id": str(order.pk), "amount": "100.00", "method": "card"},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"pay-{order.pk}",
            )
            for order in orders
        ]

        assert [r.status_code for r in responses] == [201] * 20, [r.json() for r in responses]
        assert Payment.objects.filter(status="pending").count() == 20
        unpublished = PaymentOutboxEvent.objects.filter(
            type="payment.created", published_at__isnull=True
        )
        assert unpublished.count() == 20  # each waits in the outbox, nothing is lost

        own_broker.start()  # no step by hand from here: beat's relay, then the worker
        wait_for(
            lambda: Payment.objects.filter(status="completed").count() == 20,
            timeout=120,
            message="all 20 payments completed",
        )
        wait_for(
            lambda: not Order.objects.exclude(status="paid").exists(),
            message="all 20 orders paid",
        )
    finally:
        worker.stop()
    assert len(provider.charges()) == 20
    assert Order.objects.filter(paid_amount=Decimal("100.00")).count() == 20


def test_events_lost_by_a_flushed_broker_are_redelivered_and_applied_once(
    own_broker, customer, tmp_path, settings
):
    car = product_make(stock=10)
    orders = [order_make(customer, (car, 1)) for _ in range(10)]
    assert stock_of(car) == 0

    for order in orders:  # published to the broker; no worker consumes them yet
        order_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    cancelled = OrderOutboxEvent.objects.filter(type="order.cancelled")
    assert cancelled.filter(published_at__isnull=False).count() == 10
    own_broker.flush()  # Redis loses its whole data set before anyone consumed them

    worker = worker_on(own_broker, tmp_path / "worker.log")
    try:
        wait_for(
            lambda: stock_of(car) == 10,
            timeout=90,
            message="stock of the 10 cancelled orders returned",
        )
        wait_for(
            lambda: not cancelled.filter(delivered_at__isnull=True).exists(),
            timeout=60,
            message="every order.cancelled confirmed as consumed",
        )
        # A few more relay rounds: nothing is released twice.
        relayed = worker.runs_finished(RELAY_TASK)
        wait_for(
            lambda: worker.runs_finished(RELAY_TASK) >= relayed + 3,
            timeout=30,
            message="three more relay rounds",
        )
    finally:
        worker.stop()
    assert stock_of(car) == 10
    assert set(StockReservation.objects.values_list("status", flat=True)) == {"released"}
    assert min(cancelled.values_list("attempts", flat=True)) >= 2  # handed over again


# A DATABASE
# ------------------------------------------------------------------------------
# The application name of this module's own server's database sessions (libpq reads
# PGAPPNAME): the sessions that the catalog's outage ends, and no other process's.
SERVER_APPLICATION_NAME = "autosalon-faults-test"


@pytest.fixture
def server(tmp_path):
    running = HttpServer(
        tmp_path / "server.log", env={"PGAPPNAME": SERVER_APPLICATION_NAME}
    ).start()
    yield running
    running.stop()


@pytest.fixture
def catalog_blocker():
    """Refuses connections to this test run's catalog database and ends the sessions of this
    module's server in it, as a database server that went away; lets them in again
    afterwards. The other processes of the run (the session's site, its workers) keep theirs:
    this test takes its own server down, not theirs."""
    name = connections["catalog"].settings_dict["NAME"]
    admin = psycopg.connect(server_url("postgres"), autocommit=True)

    class Blocker:
        def block(self):
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name = %s",
                (name, SERVER_APPLICATION_NAME),
            )

        def unblock(self):
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    blocker = Blocker()
    yield blocker
    blocker.unblock()
    admin.close()


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def test_a_database_that_goes_down_takes_down_its_app_only_and_comes_back(
    server, catalog_blocker, customer
):
    from accounts.tokens import AccessToken

    auth = {"Authorization": f"Bearer {AccessToken.for_user(customer)}"}
    http = httpx.Client(base_url=server.url, timeout=40)
    queries = iter(range(1, 10_000))

    def catalog():  # a query of its own each time: the product list cache cannot answer it
        return http.get("/api/v1/catalog/products/", params={"max_price": next(queries)})

    assert catalog().status_code == 200
    _, normal = timed(lambda: http.get("/api/v1/users/me", headers=auth))

    catalog_blocker.block()

    # The first requests meet the pool's dead connection, then wait out the pool; once a
    # connection has failed, the database is known to be down and refused at once.
    refused = [timed(catalog) for _ in range(4)]
    assert [r.status_code for r, _ in refused] == [503] * 4
    assert {r.json()["error"]["code"] for r, _ in refused} == {"service_unavailable"}
    assert all(int(r.headers["Retry-After"]) > 0 for r, _ in refused)
    assert max(took for _, took in refused) < 3
    assert refused[-1][1] < 0.5
    accounts, accounts_took = timed(lambda: http.get("/api/v1/users/me", headers=auth))
    assert accounts.status_code == 200
    assert accounts.json()["id"] == str(customer.pk)
    assert accounts_took < max(10 * normal, 0.5)  # its normal speed, not a timeout's
    report, report_took = timed(lambda: http.get("/health/components"))
    assert report.status_code == 503
    assert report.json()["failing"] == ["database:catalog"]
    assert report_took < 3
    # The replica stays in service: one database down is one app down, not every replica.
    assert http.get("/health/ready").status_code == 200

    catalog_blocker.unblock()

    wait_for(
        lambda: catalog().status_code == 200,
        timeout=30,
        message="the catalog serving again without a restart",
    )
    assert http.get("/api/v1/users/me", headers=auth).status_code == 200
    assert http.get("/health/components").json()["failing"] == []


# REDIS
# ------------------------------------------------------------------------------
def test_with_redis_stopped_sign_up_sign_in_and_reset_work_and_tickets_are_503(
    own_redis, tmp_path, customer
):
    from accounts.models import OutboxEvent as AccountOutboxEvent
    from accounts.models import User

    server = HttpServer(
        tmp_path / "server.log",
        env={"REDIS_URL": own_redis.url, "THROTTLE_RATE_AUTH": "5/min"},
    ).start()
    try:
        http = httpx.Client(base_url=server.url, timeout=20)
        own_redis.stop()

        registered = http.post(
            "/api/v1/auth/register",
            json={"email": "new@example.com", "password": "Sturdy-pass-2026", "full_name": "N"},
        )
        tokens = http.post(
            "/api/v1/auth/token", json={"email": "new@example.com", "password": "Sturdy-pass-2026"}
        )
        refreshed = http.post(
            "/api/v1/auth/token/refresh", json={"refresh_token": tokens.json()["refresh_token"]}
        )
        reset = http.post("/api/v1/auth/password/reset", json={"email": "new@example.com"})
        access = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        ticket = http.post("/api/v1/auth/ws-ticket", headers=access)
        report = http.get("/health/components").json()
        ready = http.get("/health/ready")
        # Rate limits still hold, counted in the server process.
        limited = [
            http.post("/api/v1/auth/token", json={"email": "x@example.com", "password": "x"})
            for _ in range(5)
        ]
    finally:
        server.stop()

    assert registered.status_code == 201
    user = User.objects.get(email="new@example.com")
    assert (tokens.status_code, refreshed.status_code) == (200, 200)
    assert refreshed.json()["refresh_token"] != tokens.json()["refresh_token"]
    assert reset.status_code == 202
    assert AccountOutboxEvent.objects.filter(
        type="user.password_reset_requested", aggregate_id=str(user.pk), published_at=None
    ).exists()  # the e-mail goes out once the broker is back
    assert ticket.status_code == 503
    assert ticket.json()["error"]["code"] == "service_unavailable"
    assert "redis" in report["failing"]
    breaker = report["components"]["breaker:payment_provider"]
    assert breaker == {"status": "unknown", "state": "unknown"}
    assert "breaker:payment_provider" not in report["failing"]
    assert ready.status_code == 200  # Redis down takes no replica out of service
    assert [r.status_code for r in limited][-1] == 429
    assert "Rate limits count locally" in (tmp_path / "server.log").read_text()


def test_a_worker_killed_mid_charge_then_a_cancelled_order_ends_refunded_by_the_sweep(
    own_worker, broker, provider, customer, tmp_path
):
    from django.core.management import call_command

    from payments.models import Payable

    client = client_for(customer)
    order = order_make(customer, (product_make(price="500.00"), 1))
    provider.set_control(latency_ms=30_000)  # the provider holds the answer back
    client.post(
        "/api/v1/payments/",
        {"order_id": str(order.pk), "amount": "500.00", "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="only",
    )
    payment = Payment.objects.get()
    wait_for(lambda: str(payment.pk) in provider.charges(), message="the charge under way")
    own_worker.kill()  # SIGKILL while the provider is in the middle of the charge
    provider.set_control(latency_ms=0)

    order_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    # The new worker does not take the killed task back within this test (its visibility
    # timeout is long): what settles the payment is the sweep.
    replacement = Worker(
        tmp_path / "worker-2.log", env={"CELERY_VISIBILITY_TIMEOUT": "600"}
    ).start()
    try:
        wait_for(
            lambda: Payable.objects.filter(cancelled_at__isnull=False).exists(),
            message="payments hearing of the cancellation",
        )
        payment.refresh_from_db()
        assert payment.status == "pending"
        call_command("payments_retry_pending", "--older-than", "0")
        wait_for(lambda: Payment.objects.get().status == "refunded", message="the charge refunded")
    finally:
        replacement.stop()

    payment.refresh_from_db()
    assert (payment.amount, payment.refunded_amount) == (Decimal("500.00"), Decimal("500.00"))
    charged = sum(Decimal(c["amount"]) for c in provider.charges().values())
    refunded = sum(Decimal(r["amount"]) for r in provider.records("refunds").values())
    assert (charged, refunded) == (Decimal("500.00"), Decimal("500.00"))  # net zero
    ledger = list(payment.transactions.order_by("created_at").values_list("type", "amount"))
    assert ledger == [("charge", Decimal("500.00")), ("refund", Decimal("-500.00"))]
