"""The site as production serves it (docs/architecture.md §3.7): Caddy with the
repository's Caddyfile on one origin, the WebSocket feed to the ASGI server, everything else
to the WSGI server."""

import itertools
import json

import httpx
import pytest
from websockets.sync.client import connect

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken
from tests.processes import FeedServer, Site

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.mark.process
def test_http_goes_to_the_wsgi_server_and_names_no_server(server):
    through_proxy = httpx.get(f"{server.url}/api/v1/ping")
    straight_to_feed = httpx.get(f"{server.feed.url}/api/v1/ping")

    assert through_proxy.status_code == 200
    assert straight_to_feed.status_code == 404  # the feed's server serves no API
    assert straight_to_feed.json()["error"]["code"] == "not_found"
    # granian names itself and Caddy would too; the proxy drops both.
    assert "server" not in through_proxy.headers
    assert httpx.get(f"{server.http.url}/api/v1/ping").headers["server"] == "granian"


@pytest.mark.process
def test_the_feed_goes_to_the_asgi_server_on_the_same_origin(server):
    customer = UserFactory()
    auth = {"Authorization": f"Bearer {AccessToken.for_user(customer)}"}
    ticket = httpx.post(f"{server.url}/api/v1/auth/ws-ticket", headers=auth).json()["ticket"]

    with connect(f"{server.ws_url}/ws/orders/?ticket={ticket}", open_timeout=10) as ws:
        first = json.loads(ws.recv(timeout=10))

    assert first["type"] == "snapshot"
    assert first["orders"] == []


@pytest.mark.process
def test_over_http_the_feed_server_answers_its_health_probes_only(tmp_path):
    feed = FeedServer(tmp_path / "feed.log").start()
    try:
        health = httpx.get(f"{feed.url}/health")
        ready = httpx.get(f"{feed.url}/health/ready")
        admin = httpx.get(f"{feed.url}/admin/")
    finally:
        feed.stop()

    assert health.status_code == 200 and health.json() == {"status": "up"}
    assert ready.status_code == 200 and ready.json() == {"status": "up", "kind": "ws"}
    assert admin.status_code == 404
    assert admin.json()["error"]["message"] == "This server carries /ws/ only."


def _async_to_sync_calls(handler, monkeypatch) -> int:
    """How often serving GET /api/v1/ping through `handler` went back from a thread to the
    event loop (`async_to_sync`), in this process."""
    import asgiref.sync
    from asgiref.testing import ApplicationCommunicator

    calls = []
    original = asgiref.sync.AsyncToSync.__call__

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(asgiref.sync.AsyncToSync, "__call__", counting)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/ping",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(handler, scope)

    async def exchange():
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=10)
        await communicator.receive_output(timeout=10)
        return start["status"]

    from asgiref.sync import async_to_sync as run

    calls_before = len(calls)
    status = run(exchange)()
    assert status == 200
    return len(calls) - calls_before - 1  # the `run` above is one


def test_embedded_mode_serves_http_with_no_hop_back_to_the_loop(monkeypatch):
    from django.core.handlers.asgi import ASGIHandler

    from config.asgi import SyncChainASGIHandler

    # Django's own handler goes back to the loop where sync-only middleware meets
    # async-capable middleware; ours runs the whole chain in one thread.
    assert _async_to_sync_calls(ASGIHandler(), monkeypatch) > 0
    assert _async_to_sync_calls(SyncChainASGIHandler(), monkeypatch) == 0


# BEHIND A TLS TERMINATOR (docs/security.md, "Rate limits")
# ------------------------------------------------------------------------------
TERMINATOR_ENV = {"TRUSTED_PROXIES": "127.0.0.1", "THROTTLE_RATE_AUTH": "10/min"}
_wrong_sign_ins = itertools.count()


def wrong_sign_ins_until_throttled(site, forwarded: str) -> list[int]:
    """Wrong sign-ins (each for an address of its own, so that no lockout plays a part) with
    `forwarded` as the terminator's X-Forwarded-For, up to the first 429: the statuses."""
    statuses: list[int] = []
    with httpx.Client(base_url=site.url, timeout=30) as http:
        while len(statuses) < 21 and 429 not in statuses:
            n = next(_wrong_sign_ins)
            response = http.post(
                "/api/v1/auth/token",
                json={"email": f"nobody{n}@example.com", "password": "wrong"},
                headers={"X-Forwarded-For": forwarded},
            )
            if response.status_code == 429:
                assert response.json()["error"]["code"] == "throttled"
            statuses.append(response.status_code)
    return statuses


@pytest.mark.process
def test_behind_a_listed_terminator_two_clients_get_separate_sign_in_budgets(tmp_path):
    # The terminator is 127.0.0.1, listed in TRUSTED_PROXIES: Caddy keeps its X-Forwarded-For
    # and the app counts each client on its own.
    site = Site(tmp_path / "site", env=TERMINATOR_ENV).start()
    try:
        first = wrong_sign_ins_until_throttled(site, "198.51.100.1")
        second = wrong_sign_ins_until_throttled(site, "198.51.100.2")
    finally:
        site.stop()

    # The limit is 10 a minute; a fixed window's edge may let a burst through twice.
    for statuses in (first, second):
        assert statuses[:10] == [401] * 10
        assert statuses[-1] == 429 and set(statuses[:-1]) == {401}


@pytest.mark.process
def test_an_unlisted_senders_forwarded_address_is_ignored(tmp_path):
    # The app believes Caddy (127.0.0.1); Caddy believes a terminator at 192.0.2.1 only, so
    # what 127.0.0.1 forwards is replaced by its own address: one budget for everyone.
    site = Site(tmp_path / "site", env=TERMINATOR_ENV, proxy_trusts="192.0.2.1").start()
    try:
        first = wrong_sign_ins_until_throttled(site, "198.51.100.1")
        second = wrong_sign_ins_until_throttled(site, "198.51.100.2")
    finally:
        site.stop()

    assert first[:10] == [401] * 10 and first[-1] == 429
    assert second == [429]
