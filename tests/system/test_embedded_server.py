"""`make run`'s server in embedded mode, started as a real process in a temporary copy of the
project, answering over real HTTP. Nothing but Python is needed: SQLite files, in-memory
layers and eager Celery."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from tests.processes import free_port, wait_for

# Its tests share one copy of the project and its server: one test worker runs them all
# (docs/conventions.md, "Tests").
pytestmark = pytest.mark.xdist_group("embedded_server")

ROOT = Path(__file__).resolve().parents[2]
# What would point the copy at the caller's services or files: the embedded default has none.
SERVICE_VARIABLES = (
    "DATABASE_URL_",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "AUTOSALON_VAR_DIR",
)


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("embedded")
    project = tmp_path / "autosalon"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv",
            "var",
            ".git",
            "*.sqlite3",
            ".env",
            "node_modules",
            "test-artifacts",
        ),
    )
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(SERVICE_VARIABLES)
    }
    # The few demo records the assertions below name, not the ninety days of history.
    environment.update(
        PYTHON=sys.executable, PORT=str(port), AUTOSALON_ENV_FILE="/dev/null", DEMO_HISTORY="0"
    )
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=project,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # twelve SQLite files migrated on a busy machine
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"server did not start:\n{log.read()[-3000:]}")
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base_url, project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        log.close()


@pytest.mark.slow
def test_embedded_server_serves_register_token_and_me(embedded_server):
    base_url, project = embedded_server
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
        overlapping = http.post(  # the demo client's slot, taken again: SQLite has no
            "/api/v1/showroom/test-drives/",  # exclusion constraint, the service refuses
            json={k: booked[k] for k in ("vehicle_id", "start_time", "end_time")},
            headers=manager,
        )

    assert components.status_code == 200
    assert "redis" not in components.json()["components"]
    assert registered.status_code == 201, registered.text
    # make run's PORT is in every link it sends (SITE_URL): the verification e-mail, which
    # the console backend wrote to the server's log.
    log = project.parent / "server.log"
    wait_for(lambda: "/verify-email?token=" in log.read_text(), 10, "the verification e-mail")
    assert f"{base_url}/verify-email?token=" in log.read_text()
    assert token.status_code == 200, token.text
    assert me.status_code == 200
    assert me.json()["email"] == "new@example.com"
    assert me.json()["role"] == "client"
    assert demo_login.status_code == 200
    # The showroom on its own SQLite file: the demo launch found by the fallback search.
    assert [e["title"] for e in showroom_events.json()["results"]] == ["Вечер премьеры кроссовера"]
    assert test_drives.json()["count"] == 1
    # The CRM on its own SQLite file: the demo fleet buyer, found by a contact's name too.
    assert [c["name"] for c in fleet.json()["results"]] == ["Fleet Logistics LLC"], fleet.text
    assert (overlapping.status_code, overlapping.json()["error"]["code"]) == (
        409,
        "resource_unavailable",
    )
    sqlite_files = sorted(path.name for path in (project / "var").glob("*.sqlite3"))
    assert sqlite_files == [
        "accounts.sqlite3",
        "catalog.sqlite3",
        "crm.sqlite3",
        "documents.sqlite3",
        "fake-provider.sqlite3",  # its books: the demo pays a premium (demo/crossing.py)
        "financing.sqlite3",
        "insurance.sqlite3",
        "integrations.sqlite3",
        "notifications.sqlite3",
        "orders.sqlite3",
        "payments.sqlite3",
        "showroom.sqlite3",
        "tradein.sqlite3",
    ]


def test_the_storefront_serves_its_pages_on_the_embedded_sqlite_files(embedded_server):
    """The buyers' website on the demo stock, as `make run` serves it: the home page, the
    listing with a facet and a search (SQLite's plain match), a car's page with its similar
    cars, the comparison, the sitemap."""
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

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Haval" in pages["/cars/?body_type=crossover&search=Haval&ordering=price"].text
    assert pages[f"/cars/{cars[0]['id']}/"].text.count('class="card-link"') >= 1  # similar cars
    assert f"/cars/{cars[0]['id']}/" in pages["/sitemap.xml"].text


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_startup_banner_lists_every_entry_point_after_the_noise(embedded_server):
    base_url, project = embedded_server
    lines = (project.parent / "server.log").read_text().splitlines()
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
