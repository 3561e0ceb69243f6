"""`make run`'s server in embedded mode, started as a real process (scripts/run.sh) with a
directory of files of its own, answering over real HTTP. Nothing but Python is needed: the
embedded PostgreSQL from its wheel, in-memory layers and eager Celery."""

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
from django.conf import settings
from websockets.sync.client import connect

from common.db.cluster import POSTGRES_BIN_PATH, Cluster
from tests.databases import server_url, template_name
from tests.processes import free_port, wait_for, wait_for_http

# Its tests share one copy of the project and its server: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = [pytest.mark.process, pytest.mark.xdist_group("embedded_server")]

ROOT = Path(__file__).resolve().parents[2]
# What would point the server at the suite's services or files: the embedded default has none.
SERVICE_VARIABLES = (
    "DATABASE_URL_",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "AUTOSALON_",
    "DOCUMENTS_ROOT",
    "MEDIA_ROOT",
    "FAKE_PROVIDER_DIR",
    "PYTEST_",
)


def embedded_cluster_premigrated(var: Path) -> None:
    """The embedded cluster of a `make run` whose files are in `var`, its databases restored
    from the suite's migrated templates (tests/databases.py): what migrating them from
    nothing would make, in a fraction of the time. The cluster is left running, as `make
    run` finds it after a crash; `make run` migrates what is left (nothing) and seeds."""
    cluster = Cluster(var / "postgres").start()
    restore = str(POSTGRES_BIN_PATH / "pg_restore")
    for alias, variable in settings.DATABASE_ENV_VARS.items():
        name = f"autosalon_{variable.removeprefix('DATABASE_URL_').lower()}"
        cluster.create_databases([name])
        dump = subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_dump"), "--format=custom", "--no-owner",
             server_url(template_name(alias))],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [restore, "--no-owner", "--exit-on-error", "--dbname", cluster.url(name)],
            input=dump.stdout, check=True, capture_output=True,
        )  # fmt: skip


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory, django_db_setup):
    """scripts/run.sh with nothing configured, its files (the PostgreSQL cluster among them)
    in a directory of the test's own: it starts the cluster, migrates every database, seeds
    and serves; stopped, it stops its cluster too."""
    tmp_path = tmp_path_factory.mktemp("embedded")
    var = tmp_path / "var"
    embedded_cluster_premigrated(var)
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(SERVICE_VARIABLES)
    }
    # The few demo records the assertions below name, not the ninety days of history.
    environment.update(
        PYTHON=sys.executable,
        PORT=str(port),
        AUTOSALON_ENV_FILE="/dev/null",
        AUTOSALON_VAR_DIR=str(var),
        DEMO_HISTORY="0",
    )
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/health", process, log, timeout=240)
        yield base_url, tmp_path
    finally:
        process.send_signal(signal.SIGTERM)  # run.sh stops its server, then the cluster
        try:
            process.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):  # nothing left of its group
                os.killpg(process.pid, signal.SIGKILL)
            log.close()
        assert not Cluster(var / "postgres").running(), "make run left its PostgreSQL running"
    Cluster(var / "postgres").remove()


def test_embedded_server_serves_register_token_and_me(embedded_server):
    base_url, files = embedded_server
    with httpx.Client(base_url=base_url, timeout=10) as http:
        assert http.get("/health").json() == {"status": "up"}
        components = http.get("/health/components")
        registered = http.post(
            "/api/v1/auth/register",
            json={"email": "new@example.com", "password": "Sturdy-pass-2026", "full_name": "New"},
        )
        token = http.post(
            "/api/v1/auth/token",
            data={"username": "new@example.com", "password": "Sturdy-pass-2026"},
        )
        me = http.get(
            "/api/v1/users/me",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        demo_login = http.post(
            "/api/v1/auth/token",
            json={"email": "manager@autosalon.local", "password": "Manager-demo-2026"},
        )
        manager = {"Authorization": f"Bearer {demo_login.json()['access_token']}"}
        showroom_events = http.get("/api/v1/showroom/events/", params={"search": "премьеры"})
        fleet = http.get("/api/v1/crm/clients/", params={"search": "fleet"}, headers=manager)
        test_drives = http.get("/api/v1/showroom/test-drives/", headers=manager)
        booked = test_drives.json()["results"][0]
        overlapping = http.post(  # the demo client's slot, taken again: the service refuses
            "/api/v1/showroom/test-drives/",
            json={k: booked[k] for k in ("vehicle_id", "start_time", "end_time")},
            headers=manager,
        )

    assert components.status_code == 200
    assert "redis" not in components.json()["components"]
    assert registered.status_code == 201, registered.text
    # make run's PORT is in every link it sends (SITE_URL): the verification e-mail, which
    # the console backend wrote to the server's log.
    log = files / "server.log"
    wait_for(lambda: "/verify-email?token=" in log.read_text(), 10, "the verification e-mail")
    assert f"{base_url}/verify-email?token=" in log.read_text()
    assert token.status_code == 200, token.text
    assert me.status_code == 200
    assert me.json()["email"] == "new@example.com"
    assert me.json()["role"] == "client"
    assert demo_login.status_code == 200
    # The showroom on its own database: the demo launch found by the full-text search.
    assert [e["title"] for e in showroom_events.json()["results"]] == ["Вечер премьеры кроссовера"]
    assert test_drives.json()["count"] == 1
    # The CRM on its own database: the demo fleet buyer, found by a contact's name too.
    assert [c["name"] for c in fleet.json()["results"]] == ["Fleet Logistics LLC"], fleet.text
    assert (overlapping.status_code, overlapping.json()["error"]["code"]) == (
        409,
        "resource_unavailable",
    )
    # Every database on the embedded cluster, none anywhere else.
    cluster = Cluster(files / "var" / "postgres")
    with psycopg.connect(cluster.url()) as connection:
        names = connection.execute("SELECT datname FROM pg_database ORDER BY 1").fetchall()
    assert [name for (name,) in names if name.startswith("autosalon_")] == [
        f"autosalon_{variable.removeprefix('DATABASE_URL_').lower()}"
        for variable in sorted(settings.DATABASE_ENV_VARS.values())
    ]


def test_the_storefront_serves_its_pages_on_the_embedded_postgresql(embedded_server):
    """The buyers' website on the demo stock, as `make run` serves it: the home page, the
    listing with a facet and a search, a car's page with its similar cars, the comparison,
    the sitemap; and the searches a newcomer tries first, in Russian, find the demo's cars
    (the Russian full-text search and the phonetic key are PostgreSQL's)."""
    base_url, _project = embedded_server
    with httpx.Client(base_url=base_url, timeout=30) as http:
        cars = http.get(
            "/api/v1/catalog/products/",
            params={"condition": "new", "in_stock": "true", "page_size": 1},
        ).json()["results"]
        pages = {
            path: http.get(path)
            for path in (
                "/",
                "/cars/?body_type=crossover&search=Haval&ordering=price",
                f"/cars/{cars[0]['id']}/",
                "/compare/",
                "/sitemap.xml",
            )
        }
        missing = http.get("/no-such-page/")
        found = {
            query: {
                car["name"]
                for car in http.get(
                    "/api/v1/catalog/products/", params={"search": query, "page_size": 100}
                ).json()["results"]
            }
            for query in ("камри", "лада веста", "тойота")
        }
        crossovers = http.get(
            "/api/v1/catalog/products/", params={"search": "кроссовер", "page_size": 100}
        ).json()["results"]

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Haval" in pages["/cars/?body_type=crossover&search=Haval&ordering=price"].text
    assert found["камри"] and all("Camry" in name for name in found["камри"]), found
    assert found["лада веста"] and all("Vesta" in name for name in found["лада веста"]), found
    assert len(found["тойота"]) >= 3 and all("Toyota" in n for n in found["тойота"]), found
    # "кроссовер", the home page's own example: every crossover of the demo stock's and
    # nothing else (the Russian stemming of the names' "кроссовер").
    assert crossovers and all(car["body_type"] == "crossover" for car in crossovers)
    assert pages[f"/cars/{cars[0]['id']}/"].text.count('class="card-link"') >= 1  # similar cars
    assert f"/cars/{cars[0]['id']}/" in pages["/sitemap.xml"].text
    # A wrong address gets the site's own 404, as in production: no debug page listing
    # every URL pattern.
    assert missing.status_code == 404 and "URLconf" not in missing.text
    assert '<header class="top">' in missing.text  # the storefront's own page


def test_embedded_server_pushes_a_demo_clients_order_change_over_the_in_memory_layer(
    embedded_server,
):
    base_url, _ = embedded_server
    with httpx.Client(base_url=base_url, timeout=10) as http:
        login = {"email": "client@autosalon.local", "password": "Client-demo-2026"}
        auth = {
            "Authorization": f"Bearer {http.post('/api/v1/auth/token', json=login).json()['access_token']}"
        }
        pending = http.get("/api/v1/orders/", params={"status": "pending"}, headers=auth).json()
        order_id = pending["results"][0]["id"]
        ticket = http.post("/api/v1/auth/ws-ticket", headers=auth).json()["ticket"]
        ws_url = f"{base_url.replace('http', 'ws')}/ws/orders/{order_id}/?ticket={ticket}"
        with connect(ws_url, origin=base_url, open_timeout=10) as ws:
            snapshot = json.loads(ws.recv(timeout=10))
            cancelled = http.post(
                f"/api/v1/orders/{order_id}/status", json={"status": "cancelled"}, headers=auth
            )
            push = json.loads(ws.recv(timeout=10))

    assert snapshot["order"]["status"] == "pending"
    assert cancelled.status_code == 200, cancelled.text
    assert (push["type"], push["order"]["status"]) == ("order.status_changed", "cancelled")
    assert push["sequence"] == cancelled.json()["sequence"] == snapshot["order"]["sequence"] + 1


def test_the_dashboard_shows_its_figures_to_a_signed_in_manager(embedded_server):
    """The admin's "Сводка": the business dashboard and its figures, on PostgreSQL's SQL."""
    base_url, _ = embedded_server
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=True) as http:
        form = http.get("/admin/login/", params={"next": "/dashboard/"})
        signed_in = http.post(
            "/admin/login/?next=/dashboard/",
            data={
                "username": "manager@autosalon.local",
                "password": "Manager-demo-2026",
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
            headers={"Referer": str(form.url)},
        )
        figures = http.get("/dashboard/figures.json")

    assert (signed_in.status_code, signed_in.url.path) == (200, "/dashboard/"), signed_in.text
    assert figures.status_code == 200, figures.text
    assert figures.json(), figures.text


def test_the_startup_banner_lists_every_entry_point_after_the_noise(embedded_server):
    base_url, files = embedded_server
    lines = (files / "server.log").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Autosalon is running"))
    banner = "\n".join(lines[start : start + 17])

    for entry in (
        "Storefront",
        "Developers",
        "API",
        "Swagger UI",
        "ReDoc",
        "Admin",
        "Dashboard",
        "WebSocket",
    ):
        assert f"  {entry} " in banner, entry
    assert f"Health        {base_url}/health" in banner
    assert f"Metrics       {base_url}/metrics" in banner
    assert banner.index("Metrics") < banner.index("Demo logins")
    assert "manager@autosalon.local / Manager-demo-2026" in banner
    before = "\n".join(lines[:start])
    # What it is doing while it migrates and seeds, and no log noise (Celery's INFO lines).
    assert "Migrating the databases..." in before and "Loading the demo data" in before
    assert "INFO" not in before
    assert "lifespan" not in "\n".join(lines).lower()
