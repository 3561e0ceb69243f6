"""The demo in production's topology (docs/conventions.md, "The production topology"): the
services-mode stack as separate processes, as `make run` starts it in services mode
(scripts/run.sh) and production runs it: a Celery worker, beat, the relay (`events_relay
--follow`), `seed_demo` with them running, and the HTTP server, on the test run's PostgreSQL
and Redis. Events then cross apps through the outbox, the relay and the
worker, late and in any order, never in-process at once as in embedded mode and the rest of
the suite.

The stack starts once for the module; each test reads what a buyer, a manager or a
classifieds site reads, through HTTP only: every demo car stands in a showroom, the listing's
city and showroom facets, the classifieds' feeds carry the stock, and a showroom's manager
sees that showroom's records. To add a check of a feature that crosses apps, write a test that
takes `stack` and asks its `http` (docs/conventions.md, "The production topology")."""

import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from accounts.demo import DEMO_USERS
from common.db.databases import database_for_app
from common.events import registry
from config.celery import app as celery_app
from demo.staff import MANAGERS
from demo.staff import PASSWORD as SHOWROOM_MANAGER_PASSWORD
from showroom.demo import SHOWROOMS
from tests.processes import (
    ROOT,
    Beat,
    HttpServer,
    RelayProcess,
    Worker,
    environment,
    purge_broker,
    stop_together,
    wait_for,
)

pytestmark = [pytest.mark.process, pytest.mark.xdist_group("machine")]

# What differs from the suite's processes: events leave through the relay, never on commit
# in the emitting process (EVENTS_PUBLISH_ON_COMMIT's services-mode default); beat keeps a
# schedule of the module's own in the run's Redis.
BEAT_PREFIX = "test-topology-{pid}:"
FEEDS_GENERATE = "integrations.tasks.feeds_generate_task"
FEED_URL = re.compile(r"at (/feeds/(\w+)/[\w-]+\.xml)")
LENINGRADKA, LENINGRADKA_MANAGER = MANAGERS[0][0], MANAGERS[0][1]
PASSWORDS = {user["email"]: user["password"] for user in DEMO_USERS}


@dataclass
class Stack:
    """The running stack: its HTTP server's client, its worker, and what the seed printed."""

    http: httpx.Client
    worker: Worker
    feeds: dict[str, str] = field(default_factory=dict)  # kind: the feed's tokenised path
    tokens: dict[str, str] = field(default_factory=dict)

    def bearer(self, email: str) -> dict[str, str]:
        """The Authorization header of a demo login, signed in once."""
        if email not in self.tokens:
            password = PASSWORDS.get(email, SHOWROOM_MANAGER_PASSWORD)
            answer = self.http.post(
                "/api/v1/auth/token", json={"email": email, "password": password}
            )
            assert answer.status_code == 200, answer.text
            self.tokens[email] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def pages(self, path: str, headers: dict | None = None, **params) -> list[dict]:
        """Every row of a paged list."""
        rows: list[dict] = []
        url: str | None = path
        query: dict | None = {"page_size": 100, **params}
        while url:
            answer = self.http.get(url, params=query, headers=headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            rows += body["results"]
            url, query = body["next"], None
        return rows

    def cars(self, **params) -> list[dict]:
        """The public listing's cars (products with a VIN), on sale."""
        return [row for row in self.pages("/api/v1/catalog/products/", **params) if row["vin"]]

    def facets(self) -> dict:
        answer = self.http.get("/api/v1/catalog/products/facets/")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def showroom_ids(self) -> dict[str, str]:
        """The demo's showrooms by name, as the listing's showroom facet names them."""
        return {value["label"]: value["value"] for value in self.facets()["facets"]["showroom"]}


def _all_published() -> bool:
    return not any(
        registry.outbox_model(app_label)
        ._default_manager.using(database_for_app(app_label))
        .filter(published_at__isnull=True)
        .exists()
        for app_label in registry.outbox_apps()
    )


def _settled(worker: Worker, timeout: float = 60) -> None:
    """Until every outbox is published and the worker has delivered it all, twice in a row:
    a consumer may emit events of its own."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        left = deadline - time.monotonic()
        wait_for(_all_published, timeout=max(left, 1), message="every outbox published")
        worker.wait_idle(timeout=max(left, 1))
        quiet = quiet + 1 if _all_published() else 0


def _start_together(processes: list, failures: list[BaseException]) -> None:
    """Start `processes` at once, each in a thread of its own, and wait until each is ready:
    their imports overlap. One that fails to start is left stopped (`_Process.start`), its
    failure added to `failures`."""

    def start(process) -> None:
        try:
            process.start()
        except BaseException as exc:  # noqa: BLE001 - the fixture raises it
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(process,)) for process in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _flush_databases() -> None:
    """What a transactional test's teardown does: every test database emptied."""
    for alias in connections:
        call_command("flush", database=alias, interactive=False, verbosity=0, reset_sequences=False)


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    logs: Path = tmp_path_factory.mktemp("topology")
    prefix = BEAT_PREFIX.format(pid=os.getpid())
    env = {"EVENTS_PUBLISH_ON_COMMIT": "False", "CELERY_REDBEAT_KEY_PREFIX": prefix}
    worker = Worker(logs / "worker.log", env=env)
    web = HttpServer(logs / "http.log", env=env)
    processes = [
        worker,
        Beat(logs / "beat.log", env=env),
        RelayProcess(logs / "relay.log", env=env),
        web,
    ]
    failures: list[BaseException] = []
    starting = threading.Thread(target=_start_together, args=(processes, failures))
    purge_broker()
    try:
        # As scripts/run.sh starts them: the worker, beat and the relay, and the demo seeded
        # meanwhile, not waiting for them (the test databases are migrated already:
        # conftest.py, `django_db_setup`). The HTTP server starts too; it serves nothing
        # before the checks.
        starting.start()
        seeded = subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--no-history"],
            cwd=ROOT,
            env={**environment(), **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        starting.join()
        (logs / "seed.log").write_text(seeded.stdout + seeded.stderr)
        assert seeded.returncode == 0, seeded.stdout[-3000:] + seeded.stderr[-3000:]
        if failures:
            raise failures[0]
        with django_db_blocker.unblock():
            _settled(worker)
        with httpx.Client(base_url=web.url, timeout=30) as http:
            yield Stack(
                http=http,
                worker=worker,
                feeds={kind: path for path, kind in FEED_URL.findall(seeded.stdout)},
            )
    finally:
        if starting.is_alive():
            starting.join()
        stop_together([process for process in processes if process.process])
        purge_broker()
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        with django_db_blocker.unblock():
            _flush_databases()


def test_every_demo_car_stands_in_a_showroom(stack):
    cars = stack.cars()
    nowhere = [car["name"] for car in cars if car["showroom_id"] is None]

    assert len(cars) >= 300  # the demo's stock (docs/operations.md, "Demo data")
    assert nowhere == [], f"{len(nowhere)} of {len(cars)} demo cars stand in no showroom"
    assert all(car["city"] for car in cars)


def test_the_listing_has_the_demos_cities_and_showrooms_with_their_counts(stack):
    body = stack.facets()
    cars = stack.cars(in_stock="true")  # the facets count the cars on the lot
    by_city = Counter(car["city"] for car in cars)
    by_showroom = Counter(car["showroom_id"] for car in cars)

    cities = {value["value"]: value["count"] for value in body["facets"]["city"]}
    showrooms = {value["label"]: value["count"] for value in body["facets"]["showroom"]}
    ids = stack.showroom_ids()
    assert set(cities) == {showroom["city"] for showroom in SHOWROOMS}, body["facets"]
    assert set(showrooms) == {showroom["name"] for showroom in SHOWROOMS}, body["facets"]
    assert cities == dict(by_city)
    assert showrooms == {name: by_showroom[ids[name]] for name in showrooms}
    assert sum(showrooms.values()) == body["count"] == len(cars)


def test_a_cars_page_says_where_it_stands(stack):
    ids = stack.showroom_ids()
    for showroom in SHOWROOMS:
        assert showroom["name"] in ids, f"the listing names no showroom {showroom['name']}"
        car = stack.cars(showroom=ids[showroom["name"]])[0]

        page = stack.http.get(f"/cars/{car['id']}/")

        assert page.status_code == 200
        assert showroom["name"] in page.text and showroom["address"] in page.text


# The test process's tasks are eager; send_task goes to the broker all the same, and says so.
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
@pytest.mark.parametrize(
    ("kind", "path", "id_field"), [("avito", "Ad", "Id"), ("autoru", "cars/car", "unique_id")]
)
def test_each_classifieds_feed_carries_the_stock(stack, kind, path, id_field):
    """Written as beat has them written (the worker's task), fetched at the address the
    site's dealer cabinet is given."""
    finished = stack.worker.runs_finished(FEEDS_GENERATE)
    celery_app.send_task(FEEDS_GENERATE)
    wait_for(
        lambda: stack.worker.runs_finished(FEEDS_GENERATE) > finished,
        timeout=60,
        message="the feeds written",
    )
    on_sale = {car["id"] for car in stack.cars(in_stock="true")}

    answer = stack.http.get(stack.feeds[kind])

    assert answer.status_code == 200, answer.text
    ads = {ad.findtext(id_field) for ad in ET.fromstring(answer.content).findall(path)}
    assert len(ads) == len(on_sale), f"{kind}: {len(ads)} ads of {len(on_sale)} cars on sale"
    assert ads == on_sale


def test_a_showrooms_manager_sees_that_showrooms_records_only(stack):
    ids = stack.showroom_ids()
    assert LENINGRADKA in ids, f"the listing names no showroom {LENINGRADKA}: {ids}"
    own, other = ids[LENINGRADKA], next(i for name, i in ids.items() if name != LENINGRADKA)
    client = stack.bearer("client@autosalon.local")
    placed = {}
    for showroom_id in (own, other):
        car = stack.cars(showroom=showroom_id, in_stock="true")[0]
        answer = stack.http.post(
            "/api/v1/orders/",
            json={"items": [{"product_id": car["id"], "quantity": 1}]},
            headers=client,
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["showroom_id"] == showroom_id
        placed[showroom_id] = answer.json()["id"]

    manager = stack.bearer(LENINGRADKA_MANAGER)
    orders = stack.pages("/api/v1/orders/", headers=manager)
    everyone = stack.pages("/api/v1/orders/", headers=stack.bearer("manager@autosalon.local"))

    assert {order["showroom_id"] for order in orders} == {own}
    assert {order["id"] for order in orders} == {
        order["id"] for order in everyone if order["showroom_id"] == own
    }
    assert placed[own] in {order["id"] for order in orders}
    assert placed[other] in {order["id"] for order in everyone}

    # The demo cars for test drives stand where their cars do: the manager's are those of
    # the cars in the showroom.
    resources = stack.pages("/api/v1/showroom/resources/", headers=manager)
    cars_here = {car["id"] for car in stack.cars(showroom=own)}
    all_resources = stack.pages(
        "/api/v1/showroom/resources/", headers=stack.bearer("manager@autosalon.local")
    )
    assert resources
    assert {r["id"] for r in resources} == {
        r["id"] for r in all_resources if r["vehicle_id"] in cars_here
    }


def test_a_car_created_through_the_api_stands_where_it_was_told(stack):
    ids = stack.showroom_ids()
    where = next(i for name, i in ids.items() if name != LENINGRADKA)
    group = stack.bearer("manager@autosalon.local")
    category = stack.cars()[0]["category"]
    car = {
        "name": "Haval Jolion",
        "price": "2199000.00",
        "category": category,
        "vin": "LGWEF4A59RF000001",
        "make": "Haval",
        "model": "Jolion",
        "year": 2024,
        "showroom_id": where,
    }

    made = stack.http.post("/api/v1/catalog/products/", json=car, headers=group)

    assert made.status_code == 201, made.text
    answer = stack.http.get(f"/api/v1/catalog/products/{made.json()['id']}/")
    assert answer.json()["showroom_id"] == where
    # A showroom's manager does not stock another's.
    refused = stack.http.post(
        "/api/v1/catalog/products/",
        json={**car, "vin": "LGWEF4A59RF000002"},
        headers=stack.bearer(LENINGRADKA_MANAGER),
    )
    assert refused.status_code == 403, refused.text
