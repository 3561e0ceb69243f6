"""The whole system doubled, as docs/operations.md ("Replicas") runs it, on real processes:
every process kind twice (HTTP, feed, Celery worker, relay, beat), all behind one PgBouncer
and one Caddy balancing over both HTTP and both feed servers. Customers drive orders through
creation, payment and cancellation while one process of each kind is SIGKILLed; then the
databases, RabbitMQ, a webhook receiver and the WebSocket subscribers prove that nothing
was lost and nothing done twice, but for the repeats at least once delivery allows a killed
process outside the databases (its one unmarked RabbitMQ batch, its one unrecorded webhook
POST), and that PostgreSQL's connections stayed within the budget."""

import collections
import datetime
import json
import os
import re
import threading
import time
import uuid

import httpx
import psycopg
import pytest
from django.db import connections
from django.utils import timezone
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from common.events import publishing, registry
from integrations import services as integration_services
from integrations.models import WebhookAttempt, WebhookDelivery
from integrations.tests.receiver import Receiver
from orders.models import Order, OrderStatusHistory
from orders.tests.factories import product_make
from payments.models import LedgerTransaction, Payment
from tests.conftest import RABBITMQ_URL
from tests.databases import server_url
from tests.pgbouncer import PgBouncer, behind
from tests.processes import (
    Beat,
    FeedServer,
    HttpServer,
    ProxyServer,
    RelayProcess,
    Worker,
    environment,
    purge_broker,
    wait_for,
)
from tests.rabbitmq import drain, queue_of_its_own

pytestmark = [
    pytest.mark.process,
    # `make soak` only: its fixed waits (nine processes started, the beat's lock run out, the
    # sweeps) take a minute and a half at any size (docs/conventions.md, "Tests").
    pytest.mark.soak,
    pytest.mark.xdist_group("machine"),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

CLIENTS = 10  # threads, each its own customer
# Orders in all, each some 50 tasks for the two workers; 30 (`REPLICAS_ORDERS=30`) are enough
# for each kill to land while orders flow (the fifth after 20), for a short run by hand.
ORDERS = int(os.environ.get("REPLICAS_ORDERS", "300"))
ORDERS_PER_CLIENT = max(ORDERS // CLIENTS, 1)
TOTAL = CLIENTS * ORDERS_PER_CLIENT
# How long the system may take to settle what the clients did: a task rate of a loaded
# two-core machine (some 20 tasks a second over both workers), and a margin.
SETTLE_SECONDS = 60 + TOTAL * 50 / 20
# PostgreSQL connections per database this topology may hold (docs/operations.md,
# "Connections"): PgBouncer's pool, the two relays' listening connections, this test.
CONNECTION_BUDGET = 30
PGBOUNCER_POOL_SIZE = 3  # a shared test server (another test worker beside it): few of its own
ANON_LIMIT = 10  # per minute: the bucket both HTTP servers count in, through Redis
# The periodic task counted: beat alone sends it (webhooks' dispatch, by contrast, also
# runs after every commit that makes a delivery).
SWEEP_TASK = "payments.tasks.payments_pending_sweep_task"
SWEEP_INTERVAL = 3.0
# Short sweeps, so that the survivors' takeover shows within the test. An event the killed
# worker held is handed over again after EVENTS_REDELIVER_AFTER_SECONDS and marked delivered
# at its next due time, twice that later (common/events/publishing.py): the settling waits
# for that mark, some three times this after the kill.
SYSTEM_ENV = {
    "EVENTS_RELAY_INTERVAL_SECONDS": "2",
    "EVENTS_RELAY_GRACE_SECONDS": "1",
    "EVENTS_REDELIVER_AFTER_SECONDS": "10",
    # A webhook POST claimed by the killed worker is sent again once its claim runs out, the
    # task time limit and a minute after it was claimed (integrations.services): 80 s, not
    # 180. No task of the test's runs for more than a few seconds.
    "CELERY_TASK_TIME_LIMIT": "20",
    "WEBHOOKS_DISPATCH_INTERVAL_SECONDS": "2",
    "PAYMENTS_PENDING_SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
    "PAYMENTS_PENDING_SWEEP_AFTER_SECONDS": "30",
    "CELERY_VISIBILITY_TIMEOUT": "5",
    "LOG_LEVEL": "INFO",
}


# THE SYSTEM
# ------------------------------------------------------------------------------
class System:
    """Everything the test starts, stopped in reverse whatever happens."""

    def __init__(self):
        self.started: list = []

    def start(self, process):
        self.started.append(process)
        process.start()
        return process

    def start_together(self, processes: list) -> list:
        """Start `processes` at once (each waits for its own readiness): about as long as
        the slowest, not the sum, on a machine where a Django process takes seconds."""
        self.started.extend(processes)
        at_once(lambda process: process.start(), processes)
        return processes

    def stop(self) -> None:
        """Stop every process at once (a killed one is gone already), even when one fails
        to: each shuts down on its own, as a deployment's do, in the time of the slowest."""
        at_once(lambda process: process.stop(), self.started)


def at_once(call, items: list) -> None:
    """`call(item)` for every item (a process, a client's story), each in a thread of its
    own; raises the first error once all are done, so that a failed thread fails the test."""
    errors = []

    def run(item):
        try:
            call(item)
        except BaseException as exc:  # noqa: BLE001 - raised again below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class ConnectionSampler(threading.Thread):
    """Counts PostgreSQL's connections to each of the test's databases (pg_stat_activity),
    a few times a second, straight to the server: the peak per database and in total."""

    def __init__(self, databases: list[str]):
        super().__init__(daemon=True)
        self.databases = databases
        self.peaks: dict[str, int] = dict.fromkeys(databases, 0)
        self.peak_total = 0
        self.samples = 0
        self.error: BaseException | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
                while not self._stopping.is_set():
                    rows = connection.execute(
                        "SELECT datname, count(*) FROM pg_stat_activity"
                        " WHERE datname = ANY(%s) GROUP BY datname",
                        [self.databases],
                    ).fetchall()
                    for name, count in rows:
                        self.peaks[name] = max(self.peaks[name], count)
                    self.peak_total = max(self.peak_total, sum(count for _, count in rows))
                    self.samples += 1
                    self._stopping.wait(0.2)
        except BaseException as exc:  # noqa: BLE001 - the test fails on it
            self.error = exc

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)


# A CLIENT, AS A REAL ONE BEHAVES
# ------------------------------------------------------------------------------
class ApiClient:
    """One customer's calls through the proxy. A call that fails in transit (a replica died
    with it) or meets a 502/503 is sent again, with the same Idempotency-Key. An access
    token that ran out (the long run outlives JWT_ACCESS_TOKEN_LIFETIME) is replaced, as a
    real client refreshes it, and the call sent again."""

    RETRIED = (502, 503, 504)

    def __init__(self, url: str, user):
        self.user = user
        self.http = httpx.Client(base_url=f"{url}/api/v1", timeout=30)
        self.token_renew()
        self.retries = 0

    def token_renew(self) -> None:
        self.http.headers["Authorization"] = f"Bearer {AccessToken.for_user(self.user)}"

    def call(self, method: str, path: str, *, key: str | None = None, body=None, params=None):
        headers = {"Idempotency-Key": key} if key else {}
        for _ in range(60):
            try:
                response = self.http.request(
                    method, path, json=body, params=params, headers=headers
                )
            except httpx.TransportError:
                response = None
            if response is not None and self.token_expired(response):
                self.token_renew()
                continue
            if response is not None and response.status_code not in self.RETRIED:
                return response
            self.retries += 1
            time.sleep(0.5)
        raise AssertionError(f"{method} {path} never got an answer")

    @staticmethod
    def token_expired(response: httpx.Response) -> bool:
        if response.status_code != 401:
            return False
        return response.json().get("error", {}).get("code") == "token_not_valid"

    def orders(self) -> dict[str, dict]:
        response = self.call("GET", "/orders/", params={"page_size": 100})
        assert response.status_code == 200, response.text
        return {order["id"]: order for order in response.json()["results"]}


class Progress:
    """Orders created and paid so far, by every client."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def step(self) -> None:
        with self._lock:
            self.count += 1


def customer_story(client: ApiClient, products: list, progress: Progress, index: int) -> list:
    """Create and pay ORDERS_PER_CLIENT orders, wait until the worker has settled them all
    paid, then cancel each: every payment is refunded. Returns the order ids."""
    order_ids = []
    for number in range(ORDERS_PER_CLIENT):
        item = {"product_id": str(products[number % len(products)].pk), "quantity": 1}
        created = client.call(
            "POST", "/orders/", key=f"order-{index}-{number}", body={"items": [item]}
        )
        assert created.status_code == 201, created.text
        order = created.json()
        order_ids.append(order["id"])
        paid = client.call(
            "POST",
            "/payments/",
            key=f"pay-{order['id']}",
            body={"order_id": order["id"], "amount": order["total_amount"], "method": "card"},
        )
        assert paid.status_code == 201, paid.text
        progress.step()
    deadline = time.monotonic() + SETTLE_SECONDS
    while not all(client.orders()[id]["status"] == "paid" for id in order_ids):
        assert time.monotonic() < deadline, f"customer {index}'s orders never all paid"
        time.sleep(1)  # as a client polls: not a load of its own
    for order_id in order_ids:
        cancelled = client.call("POST", f"/orders/{order_id}/status", body={"status": "cancelled"})
        if cancelled.status_code != 200:
            # A retry of a cancellation that went through, whose answer was lost: the order
            # says so.
            order = client.call("GET", f"/orders/{order_id}/").json()
            assert order["status"] == "cancelled", cancelled.text
    return order_ids


class Subscriber(threading.Thread):
    """A customer's browser on `ws/orders/`, connected straight to one feed server. When that
    server dies it reconnects to another and, as the feed's contract asks (docs/api.md),
    reads what it missed from the API."""

    def __init__(self, api: ApiClient, origin: str, feeds: list[FeedServer], first: int):
        super().__init__(daemon=True)
        self.api, self.origin, self.feeds, self.current = api, origin, feeds, first
        self.statuses: dict[str, list[str]] = collections.defaultdict(list)  # from pushes
        self.known: dict[str, tuple[int, str]] = {}  # order id: (sequence, status)
        self.reconnected = False
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._stopping = threading.Event()

    def _learn(self, order: dict) -> None:
        sequence, _ = self.known.get(order["id"], (0, ""))
        if order["sequence"] >= sequence:
            self.known[order["id"]] = (order["sequence"], order["status"])

    def _socket(self):
        """A connection to the current feed server or, as a browser retries, to the next one
        when that one refuses it (the killed one)."""
        for attempt in range(2 * len(self.feeds)):
            ticket = self.api.call("POST", "/auth/ws-ticket")
            assert ticket.status_code == 201, ticket.text
            feed = self.feeds[self.current]
            try:
                return connect(
                    f"{feed.ws_url}/ws/orders/?ticket={ticket.json()['ticket']}",
                    origin=self.origin,
                    open_timeout=10,
                )
            except OSError:
                self.reconnected = True
                self.current = (self.current + 1) % len(self.feeds)
                self._stopping.wait(0.5 * (attempt + 1))
        raise AssertionError("no feed server accepts a connection")

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                with self._socket() as ws:
                    snapshot = json.loads(ws.recv(timeout=10))
                    assert snapshot["type"] == "snapshot", snapshot
                    for order in snapshot["orders"]:
                        self._learn(order)
                    if self.reconnected:  # what it missed, from the API
                        for order in self.api.orders().values():
                            self._learn(order)
                    self.ready.set()
                    try:
                        while not self._stopping.is_set():
                            try:
                                push = json.loads(ws.recv(timeout=0.5))
                            except TimeoutError:
                                continue
                            if "order" in push:
                                self.statuses[push["order"]["id"]].append(push["order"]["status"])
                                self._learn(push["order"])
                    except ConnectionClosed:
                        if self._stopping.is_set():
                            return
                        self.reconnected = True
                        self.current = (self.current + 1) % len(self.feeds)
        except BaseException as exc:  # noqa: BLE001 - the test fails on it
            self.error = exc

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=15)


# THE TEST
# ------------------------------------------------------------------------------
@pytest.fixture
def exchange():
    """An exchange and a queue of this test's own on RabbitMQ, bound to every event."""
    with queue_of_its_own() as queue:
        yield queue


def log_count(processes, text: str) -> int:
    return sum(p.log_path.read_text(errors="replace").count(text) for p in processes)


def twice(counter: collections.Counter) -> dict:
    """What a counter of things that must happen once holds more than once."""
    return {key: count for key, count in counter.items() if count != 1}


def assert_only_the_killed_relays_batch_again(repeated: dict, killed_at) -> None:
    """RabbitMQ gets an event twice in one case only (docs/events.md, "RabbitMQ"): a relay
    that dies after the broker confirmed its messages and before its transaction marked
    them. So the repeats are at most one batch, of one app's outbox (a relay holds one
    transaction at a time), all written before the relay was killed, and never thrice."""
    if not repeated:
        return
    assert set(repeated.values()) == {2}, repeated
    rows = {
        app: list(
            registry.outbox_model(app)
            ._default_manager.filter(id__in=list(repeated))
            .values_list("occurred_at", flat=True)
        )
        for app in registry.outbox_apps()
    }
    (occurred,) = [times for times in rows.values() if times]  # one app only
    assert len(occurred) == len(repeated) <= publishing.RELAY_BATCH_SIZE
    assert max(occurred) <= killed_at, (repeated, killed_at)


def assert_only_the_killed_workers_posts_again(repeated: dict, killed_at) -> None:
    """A receiver gets a delivery twice in one case only (docs/integrations.md,
    "Deliveries"): a sender killed after its POST and before it recorded the attempt; the
    claim runs out and another sender posts again. So each repeat is a delivery with one
    attempt unrecorded, claimed before the worker was killed."""
    for event_id, count in repeated.items():
        delivery = WebhookDelivery.objects.get(event_id=event_id)  # one subscription
        recorded = WebhookAttempt.objects.filter(delivery=delivery).count()
        assert count == 2 and delivery.attempts == recorded + 1, (
            event_id,
            delivery.attempts,
            recorded,
        )
        assert delivery.first_attempt_at <= killed_at, (event_id, killed_at)


def webhooks_left() -> str:
    """What a wait for the webhooks left undelivered, for the failure's message."""
    now = timezone.now()

    def seconds(moment):
        return None if moment is None else round((moment - now).total_seconds())

    left = WebhookDelivery.objects.exclude(status="succeeded").order_by("occurred_at")
    rows = [
        f"{d.event_type} {d.status} attempts={d.attempts} "
        f"due_in={seconds(d.next_attempt_at)} claimed_for={seconds(d.claimed_until)} "
        f"queued_for={seconds(d.queued_until)}"
        for d in left[:10]
    ]
    return f"{left.count()} left; the oldest: " + "; ".join(rows)


def task_runs(workers, task: str) -> set[str]:
    """The ids of the runs of `task` the workers received (a run given to a second worker
    after the first died counts once)."""
    pattern = re.compile(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received")
    return {id for w in workers for id in pattern.findall(w.log_path.read_text(errors="replace"))}


def test_every_process_kind_doubled_survives_one_of_each_killed_and_does_everything_once(
    tmp_path, broker, provider, exchange, admin_user, settings
):
    # This process's events (the products) go to RabbitMQ too: as the system's, by a relay.
    settings.EVENTS_AMQP_URL = RABBITMQ_URL
    settings.EVENTS_AMQP_EXCHANGE = exchange.exchange.name
    products = [product_make(stock=10_000, price="100.00") for _ in range(3)]
    customers = [UserFactory() for _ in range(CLIENTS)]
    receiver = Receiver().start()
    subscription = integration_services.subscription_create(
        owner_id=admin_user.pk,
        name="Partner",
        url=receiver.url,
        event_types=["order.*", "payment.*"],
    )
    databases = [connections[alias].settings_dict["NAME"] for alias in settings.DATABASES]
    sampler = ConnectionSampler(databases)
    sampler.start()

    pgbouncer = PgBouncer(
        tmp_path / "pgbouncer",
        server=environment()["DATABASE_URL_ACCOUNTS"],
        pool_size=PGBOUNCER_POOL_SIZE,
    ).start()
    env = {
        **behind(pgbouncer),
        **SYSTEM_ENV,
        "EVENTS_AMQP_URL": RABBITMQ_URL,
        "EVENTS_AMQP_EXCHANGE": exchange.exchange.name,
        # Both beats share one schedule and lock, of this run's own (config/beat.py).
        "CELERY_REDBEAT_KEY_PREFIX": f"test-replicas-{uuid.uuid4().hex[:8]}:",
    }
    system = System()
    purge_broker()  # no task of an earlier run
    http_env = {**env, "THROTTLE_RATE_ANON": f"{ANON_LIMIT}/min"}
    workers = [Worker(tmp_path / f"worker-{n}.log", env=env) for n in (1, 2)]
    relays = [RelayProcess(tmp_path / f"relay-{n}.log", env=env) for n in (1, 2)]
    beats = [Beat(tmp_path / f"beat-{n}.log", env=env) for n in (1, 2)]
    https = [HttpServer(tmp_path / f"http-{n}.log", env=http_env) for n in (1, 2)]
    feeds = [FeedServer(tmp_path / f"feed-{n}.log", env=env) for n in (1, 2)]
    proxy = ProxyServer(tmp_path / "proxy.log", http=https, feed=feeds)
    subscribers: list[Subscriber] = []
    takeover: dict[str, float] = {}
    killed: dict[str, datetime.datetime] = {}  # by kind: when
    try:
        system.start_together([*workers, *relays, *beats, *https, *feeds])
        system.start(proxy)

        # Rate limits are counted once across both HTTP servers: anonymous calls, taken in
        # turn by each, pass exactly as often as the bucket allows.
        pings = [httpx.get(f"{proxy.url}/api/v1/ping") for _ in range(2 * ANON_LIMIT)]
        assert [r.status_code for r in pings] == [200] * ANON_LIMIT + [429] * ANON_LIMIT
        assert all(log_count([server], "/api/v1/ping") >= ANON_LIMIT // 2 - 1 for server in https)

        clients = [ApiClient(proxy.url, customer) for customer in customers]
        subscribers = [
            Subscriber(ApiClient(proxy.url, customer), proxy.url, feeds, index % 2)
            for index, customer in enumerate(customers)
        ]
        for subscriber in subscribers:
            subscriber.start()
        for subscriber in subscribers:
            assert subscriber.ready.wait(30), subscriber.error

        progress = Progress()

        def beat_holder() -> Beat:
            """The beat that holds the schedule's lock (the other waits for it)."""
            (holder,) = [beat for beat in beats if beat.holds_lock()]
            return holder

        def killer():
            """One of each kind dies as the orders flow: (after this many orders, which)."""
            plan = [
                (TOTAL * 2 // 15, "http", lambda: https[0]),
                (TOTAL * 4 // 15, "feed", lambda: feeds[0]),
                (TOTAL * 6 // 15, "worker", lambda: workers[0]),
                (TOTAL * 8 // 15, "relay", lambda: relays[0]),
                (TOTAL * 10 // 15, "beat", beat_holder),
            ]
            for after, kind, victim in plan:
                wait_for(lambda a=after: progress.count >= a, timeout=SETTLE_SECONDS, message=kind)
                process = victim()
                process.kill()
                killed_at = time.monotonic()
                killed[kind] = timezone.now()
                if kind == "beat":
                    survivor = next(b for b in beats if b is not process)
                    wait_for(
                        survivor.holds_lock,
                        timeout=120,
                        message="the other beat taking the schedule's lock over",
                    )
                    takeover["beat"] = time.monotonic() - killed_at

        started = time.monotonic()
        sweeps_before = task_runs(workers, SWEEP_TASK)
        stories = [
            lambda i=i: customer_story(clients[i], products, progress, i) for i in range(CLIENTS)
        ]
        at_once(lambda call: call(), [killer, *stories])

        # Everything settles by itself, on the survivors: refunds, confirmations, RabbitMQ,
        # webhooks.
        total = TOTAL
        wait_for(
            lambda: Payment.objects.filter(status="refunded").count() == total,
            timeout=SETTLE_SECONDS,
            message="every payment refunded",
        )
        wait_for(
            lambda: not any(
                registry.outbox_model(app).objects.filter(delivered_at__isnull=True).exists()
                or registry.outbox_model(app)
                .objects.filter(amqp_published_at__isnull=True)
                .exists()
                for app in registry.outbox_apps()
            ),
            timeout=SETTLE_SECONDS,
            message="every event consumed by all its consumers and published to RabbitMQ",
        )
        # The webhooks go one at a time per order (docs/integrations.md, "Deliveries"), so
        # at the soak's 300 orders they trail the events by minutes on a loaded machine.
        try:
            wait_for(
                lambda: not WebhookDelivery.objects.exclude(status="succeeded").exists(),
                timeout=SETTLE_SECONDS,
                message="every webhook delivered",
            )
        except TimeoutError as error:
            raise TimeoutError(f"{error}: {webhooks_left()}") from None
        elapsed = time.monotonic() - started
        time.sleep(2 * float(SYSTEM_ENV["EVENTS_RELAY_INTERVAL_SECONDS"]))  # nothing more comes
        for subscriber in subscribers:
            subscriber.stop()
    finally:
        try:
            for subscriber in subscribers:
                subscriber.stop()
            sampler.stop()
        finally:
            try:
                system.stop()
            finally:
                pgbouncer.stop()
                receiver.stop()

    # Nothing lost, nothing twice: every order went through, one charge and one refund each.
    orders = Order.objects.filter(customer_id__in=[c.pk for c in customers])
    assert orders.count() == total
    assert set(orders.values_list("status", flat=True)) == {"cancelled"}
    payments = Payment.objects.all()
    assert payments.count() == total  # retried payments replayed, never made twice
    ledger = collections.Counter(LedgerTransaction.objects.values_list("payment_id", "type"))
    assert set(ledger.values()) == {1}, twice(ledger)
    assert {type for _, type in ledger} == {"charge", "refund"} and len(ledger) == 2 * total
    assert len(provider.charges()) == total
    assert len(provider.records("refunds")) == total

    # Every event applied once by each of its consumers (their inboxes)...
    expected, outbox_types = set(), {}
    for app in registry.outbox_apps():
        for event_id, type in registry.outbox_model(app).objects.values_list("id", "type"):
            outbox_types[str(event_id)] = type
            expected |= {(str(event_id), c.name) for c in registry.consumers_for(type)}
    recorded = collections.Counter()
    for app in {c.split(".")[0] for _, c in expected}:
        rows = registry.inbox_model(app).objects.values_list("event_id", "consumer", "status")
        for event_id, consumer, status in rows:
            assert status == "processed", (event_id, consumer)
            recorded[(str(event_id), consumer)] += 1
    assert set(recorded) == expected
    assert set(recorded.values()) == {1}, twice(recorded)
    # ...published to RabbitMQ, once but for the one batch the killed relay had claimed...
    published = collections.Counter(m.properties["message_id"] for m in drain(exchange))
    public = {id for id, type in outbox_types.items() if not registry.is_internal(type)}
    missing = {id: outbox_types[id] for id in public - set(published)}
    assert not missing and set(published) == public, missing
    assert_only_the_killed_relays_batch_again(twice(published), killed["relay"])
    # ...and delivered once to the webhook subscription.
    subscribed = {
        (str(id), str(subscription.pk))
        for app in ("orders", "payments")
        for id, type in registry.outbox_model(app).objects.values_list("id", "type")
        if type.startswith(("order.", "payment."))
    }
    deliveries = collections.Counter(
        WebhookDelivery.objects.values_list("event_id", "subscription_id")
    )
    assert {(str(e), str(s)) for e, s in deliveries} == subscribed
    assert set(deliveries.values()) == {1}, twice(deliveries)
    received = collections.Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(received) == len(subscribed)
    assert_only_the_killed_workers_posts_again(twice(received), killed["worker"])

    # Every subscriber knows the final state of each of its orders; one that stayed on its
    # feed server got every status change, whichever HTTP server or worker made it.
    for customer, subscriber in zip(customers, subscribers, strict=True):
        assert subscriber.error is None, subscriber.error
        own = Order.objects.filter(customer_id=customer.pk)
        assert subscriber.known == {str(o.pk): (o.sequence, o.status) for o in own}
        if not subscriber.reconnected:
            history = collections.defaultdict(list)
            for order_id, status in (
                OrderStatusHistory.objects.filter(order__customer_id=customer.pk)
                .order_by("created_at")
                .values_list("order_id", "to_status")
            ):
                history[str(order_id)].append(status)
            for order_id, statuses in history.items():  # pending, paid, cancelled
                assert set(statuses) <= set(subscriber.statuses[order_id]), order_id
    assert any(s.reconnected for s in subscribers)  # the killed feed server's clients

    # Each periodic task ran once per period, on whichever beat held the schedule.
    # Doubled, it would run twice per period; while the lock of a killed beat runs out, not
    # at all; the survivor takes the lock over within its timeout.
    runs = len(task_runs(workers, SWEEP_TASK) - sweeps_before)
    assert elapsed / SWEEP_INTERVAL / 2 <= runs <= elapsed / SWEEP_INTERVAL + 2, (runs, elapsed)
    lock_timeout = settings.CELERY_REDBEAT_LOCK_TIMEOUT
    assert takeover["beat"] <= lock_timeout + 2 * settings.CELERY_BEAT_MAX_LOOP_INTERVAL + 5

    # PostgreSQL's connections stayed within the budget, in every database.
    assert sampler.error is None, sampler.error
    assert sampler.samples > 100
    assert max(sampler.peaks.values()) <= CONNECTION_BUDGET, sampler.peaks
    print(
        f"\nreplicas: {total} orders in {elapsed:.0f} s; connection peaks {sampler.peaks}, "
        f"total {sampler.peak_total}; beat takeover {takeover.get('beat', 0):.1f} s; "
        f"client retries {sum(c.retries for c in clients)}; {runs} sweeps, every "
        f"{SWEEP_INTERVAL:.0f} s"
    )
