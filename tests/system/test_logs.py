"""Structured logs across processes: a whole customer flow (sign up, reset the password,
order, pay, the live push) against a real server and worker logging JSON; then every line
of both is read (common/ops/logging.py, docs/operations.md "Logs")."""

import json
import time
import uuid

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from websockets.sync.client import connect

from accounts.models import User
from orders.tests.factories import product_make
from tests.processes import Site, Worker, wait_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]
PASSWORD = "Flow-pass-2026-sturdy"
NEW_PASSWORD = "Flow-pass-2027-sturdier"
CARD = "4111111111111111"
JSON_LOGS = {"LOG_FORMAT": "json", "EMAIL_URL": "memorymail://"}


def reset_tokens(user: User, since: float, until: float) -> set[str]:
    """Every reset token the worker may have made for `user` between the two moments."""
    generator = default_token_generator
    start = generator._num_seconds(generator._now()) - int(time.time() - since) - 2
    end = generator._num_seconds(generator._now()) + int(until - time.time()) + 2
    return {
        generator._make_token_with_timestamp(user, ts, settings.SECRET_KEY)
        for ts in range(start, end + 1)
    }


def test_a_whole_flow_logs_json_lines_that_follow_the_request_and_hold_no_secret(
    broker, provider, tmp_path
):
    car = product_make(price="1500.00", stock=3)
    server = Site(tmp_path / "site", env=JSON_LOGS).start()
    worker = Worker(tmp_path / "worker.log", env=JSON_LOGS).start()
    order_request = f"order-{uuid.uuid4().hex}"
    secrets_seen: list[str] = [PASSWORD, NEW_PASSWORD, CARD]
    try:
        http = httpx.Client(base_url=server.url, timeout=30)
        email = f"flow-{uuid.uuid4().hex[:8]}@example.com"
        assert (
            http.post(
                "/api/v1/auth/register",
                json={"email": email, "password": PASSWORD, "full_name": "Flow"},
            ).status_code
            == 201
        )
        # The reset: the worker sends the e-mail; the token it put in the link is one of
        # those made for the user in that time.
        asked = time.time()
        assert http.post("/api/v1/auth/password/reset", json={"email": email}).status_code == 202
        user = User.objects.get(email=email)
        wait_for(  # the dispatch's closing line: the consumer applied the event
            lambda: "'accounts.send_password_reset': True" in (tmp_path / "worker.log").read_text(),
            message="the reset e-mail sent",
        )
        tokens = reset_tokens(user, asked, time.time())
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        confirmed = [
            http.post(
                "/api/v1/auth/password/reset/confirm",
                json={"uid": uid, "token": token, "new_password": NEW_PASSWORD},
            ).status_code
            for token in sorted(tokens)
        ]
        assert 204 in confirmed  # one of them was the e-mailed token, and it worked
        secrets_seen += sorted(tokens)

        pair = http.post(
            "/api/v1/auth/token", json={"email": email, "password": NEW_PASSWORD}
        ).json()
        secrets_seen += [pair["access_token"], pair["refresh_token"]]
        auth = {"Authorization": f"Bearer {pair['access_token']}"}
        refused = http.post(
            "/api/v1/orders/",
            json={"items": [{"product_id": str(car.pk), "quantity": 1}], "notes": CARD},
            headers=auth,
        )
        assert refused.status_code == 400
        order = http.post(
            "/api/v1/orders/",
            json={"items": [{"product_id": str(car.pk), "quantity": 1}]},
            headers={**auth, "X-Request-ID": order_request},
        ).json()
        ticket = http.post("/api/v1/auth/ws-ticket", headers=auth).json()["ticket"]
        secrets_seen.append(ticket)

        with connect(f"{server.ws_url}/ws/orders/{order['id']}/?ticket={ticket}") as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
            paid = http.post(
                "/api/v1/payments/",
                json={"order_id": order["id"], "amount": "1500.00", "method": "card"},
                headers={**auth, "Idempotency-Key": "flow"},
            )
            assert paid.status_code == 201
            while json.loads(ws.recv(timeout=30))["order"]["status"] != "paid":
                pass
        worker.wait_idle()
        # Read before the worker stops: its shutdown notice is written from a signal
        # handler straight to stdout, not through logging.
        # The app's lines: the HTTP server's and the feed server's (the proxy's are Caddy's).
        web_log = server.http.log_path.read_text() + server.feed.log_path.read_text()
        worker_log = (tmp_path / "worker.log").read_text()
    finally:
        worker.stop()
        server.stop()

    web = [json.loads(line) for line in web_log.splitlines()]
    work = [json.loads(line) for line in worker_log.splitlines()]
    for line in web + work:
        assert {"timestamp", "level", "logger", "event"} <= line.keys(), line
    # The order's request id: on its access line, and on the worker's lines for the tasks
    # it caused (the delivery of order.created).
    ordered = [e for e in web if e.get("request_id") == order_request]
    assert any(e["logger"] == "autosalon.access" and e["status"] == 201 for e in ordered)
    assert any(e.get("user_id") == str(user.pk) for e in ordered)
    caused = [e for e in work if e.get("request_id") == order_request]
    assert any(e.get("task_id") and e.get("event_id") for e in caused)
    paying = [e for e in work if e.get("task") == "payments.tasks.payment_process_task"]
    assert paying and all(e.get("request_id") for e in paying)
    everything = web_log + worker_log
    leaked = [secret[:12] for secret in secrets_seen if secret in everything]
    assert leaked == []
    assert ticket not in everything and "ticket=[redacted]" in everything
