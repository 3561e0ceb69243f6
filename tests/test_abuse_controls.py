"""Abuse controls on real Redis, with the default limits (docs/security.md): rate limits
per client, the lockout per account, request limits, refresh-token families, card numbers
in free text, WebSocket origins."""

import json
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from accounts.choices import ActivityType
from accounts.models import ActivityLog, TokenFamily
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import AccessToken
from config.settings import base
from conftest import client_for
from orders import services as orders_services
from orders.models import Order
from orders.tests.factories import order_make, product_make
from tests.processes import HttpServer

pytestmark = pytest.mark.django_db(databases="__all__")
CARD = "4111 1111 1111 1111"  # Luhn-valid


@pytest.fixture(autouse=True)
def default_limits(settings):
    """The limits as shipped; the test settings raise them for every other test."""
    settings.THROTTLE_RATES = base.THROTTLE_RATES


def window_left(key: str, period: int = 60) -> float:
    """Seconds until the rate-limit window of `key` (django-ratelimit's fixed window, whose
    edge it offsets per key) ends."""
    now = time.time()
    ts = int(now)
    edge = ts - ts % period + zlib.crc32(key.encode()) % period
    return (edge if edge >= ts else edge + period) - now


def in_one_window(key: str, needed: float = 15) -> None:
    """Start a burst only when it cannot straddle two windows."""
    left = window_left(key)
    if left < needed:
        time.sleep(left + 1.5)  # the edge's own second still counts in the old window


def register(client, n: int, **extra):
    return client.post(
        "/api/v1/auth/register",
        {"email": f"new{n}@example.com", "password": "Sturdy-pass-2026", "full_name": "U"},
        **extra,
    )


def test_the_shipped_limits_are_those_of_the_specification():
    assert base.THROTTLE_RATES == {
        "register": "10/min",
        "login": "10/min",
        "order_create": "20/min",
        "user": "100/min",
        "anon": "100/min",
    }
    assert (base.AXES_FAILURE_LIMIT, base.AXES_COOLOFF_TIME.total_seconds()) == (5, 900)
    assert base.REQUEST_MAX_BODY_BYTES == 1024 * 1024


# RATE LIMITS
# ------------------------------------------------------------------------------
def test_the_eleventh_registration_from_one_address_is_throttled_whatever_it_forwards():
    client = APIClient()
    in_one_window("ip:127.0.0.1")

    responses = [register(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(11)]

    assert [r.status_code for r in responses] == [201] * 10 + [429]
    error = responses[-1].json()["error"]
    assert error["code"] == "throttled"
    assert 0 < error["retry_after"] <= 60
    assert responses[-1]["Retry-After"] == str(error["retry_after"])
    assert not ActivityLog.objects.filter(user__email="new10@example.com").exists()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_counted(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    client = APIClient()
    in_one_window("ip:203.0.113.7")

    spread = [register(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(11)]
    one = [
        register(client, 100 + n, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7") for n in range(11)
    ]

    assert [r.status_code for r in spread] == [201] * 11
    # The nearest untrusted hop is the client; what it claims before that does not count.
    assert [r.status_code for r in one] == [201] * 10 + [429]


def test_signing_up_and_signing_in_are_separate_buckets():
    UserFactory(email="known@example.com")
    client = APIClient()
    in_one_window("ip:127.0.0.1")
    for n in range(10):
        register(client, n)

    signed_in = client.post(
        "/api/v1/auth/token", {"email": "known@example.com", "password": PASSWORD}
    )

    assert register(client, 99).status_code == 429
    assert signed_in.status_code == 200


def test_the_21st_order_in_a_minute_is_throttled_and_another_client_is_not(customer):
    car = product_make(stock=100, price="10.00")
    mine, theirs = client_for(customer), client_for(UserFactory(role="client"))
    in_one_window(f"user:{customer.pk}")

    def order(client):
        item = {"product_id": str(car.pk), "quantity": 1}
        return client.post("/api/v1/orders/", {"items": [item]}, format="json")

    responses = [order(mine) for _ in range(21)]

    assert [r.status_code for r in responses] == [201] * 20 + [429]
    assert responses[-1].json()["error"]["code"] == "throttled"
    assert Order.objects.filter(customer_id=customer.pk).count() == 20
    assert mine.get("/api/v1/orders/").status_code == 200  # other calls have their own bucket
    assert order(theirs).status_code == 201


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_two_hundred_concurrent_sign_ins_over_four_processes_let_at_most_ten_through(
    tmp_path,
):
    # The server runs on the production hashers, which do not read the tests' MD5 hashes.
    target = UserFactory(email="target@example.com")
    target.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    target.save(update_fields=["password"])
    server = HttpServer(
        tmp_path / "server.log",
        workers=4,
        env={"THROTTLE_RATE_AUTH": base.THROTTLE_RATES["login"]},
    ).start()
    try:
        in_one_window("ip:127.0.0.1", needed=30)
        credentials = {"email": "target@example.com", "password": PASSWORD}

        def sign_in(_):
            with httpx.Client(base_url=server.url, timeout=30) as http:
                return http.post("/api/v1/auth/token", json=credentials)

        with ThreadPoolExecutor(max_workers=50) as pool:
            responses = list(pool.map(sign_in, range(200)))
    finally:
        server.stop()

    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 190
    assert ActivityLog.objects.filter(type=ActivityType.LOGIN).count() == 10
    assert len(set(server.worker_pids())) == 4


# LOCKOUT
# ------------------------------------------------------------------------------
def sign_in(client, email, password, ip):
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_six_wrong_passwords_from_six_addresses_lock_the_account_until_staff_unlock_it(
    admin_user,
):
    UserFactory(email="victim@example.com")
    client = APIClient()

    wrong = [sign_in(client, "Victim@example.com", "guess", f"198.51.100.{n}") for n in range(6)]
    right = sign_in(client, "victim@example.com", PASSWORD, "192.0.2.1")

    assert [r.status_code for r in wrong[:4]] == [401] * 4
    assert {r.status_code for r in wrong[4:]} == {429}
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "login_locked"
    assert int(right["Retry-After"]) == 900
    assert not ActivityLog.objects.filter(type=ActivityType.LOGIN).exists()

    # Staff unlock in the admin: deleting the account's attempts.
    staff = Client()
    staff.force_login(admin_user)
    attempts = list(AccessAttempt.objects.filter(username="victim@example.com"))
    assert attempts
    for attempt in attempts:
        page = staff.post(
            reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
        )
        assert page.status_code == 302

    assert sign_in(client, "victim@example.com", PASSWORD, "192.0.2.1").status_code == 200


def test_a_lockout_says_nothing_about_whether_the_account_exists():
    UserFactory(email="real@example.com")
    client = APIClient()

    for n in range(6):
        sign_in(client, "real@example.com", "guess", f"198.51.100.{n}")
        sign_in(client, "ghost@example.com", "guess", f"198.51.100.{n}")
    real = sign_in(client, "real@example.com", "guess", "192.0.2.1")
    ghost = sign_in(client, "ghost@example.com", "guess", "192.0.2.1")

    assert (real.status_code, real.json()) == (ghost.status_code, ghost.json())


def test_a_password_reset_unlocks_the_account(customer, django_capture_on_commit_callbacks):
    from django.core import mail

    client = APIClient()
    for n in range(6):
        sign_in(client, customer.email, "guess", f"198.51.100.{n}")
    assert sign_in(client, customer.email, PASSWORD, "192.0.2.1").status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/auth/password/reset", {"email": customer.email})
    link = mail.outbox[-1].body
    uid = link.split("uid=")[1].split("&")[0]
    token = link.split("token=")[1].split()[0]
    confirmed = client.post(
        "/api/v1/auth/password/reset/confirm",
        {"uid": uid, "token": token, "new_password": "Brand-new-pass-2027"},
    )

    assert confirmed.status_code == 204
    assert sign_in(client, customer.email, "Brand-new-pass-2027", "192.0.2.1").status_code == 200


def test_the_admin_login_is_locked_by_the_same_count(manager):
    api = APIClient()
    for n in range(3):
        sign_in(api, manager.email, "guess", f"198.51.100.{n}")
    browser = Client()
    for _ in range(2):
        browser.post("/admin/login/", {"username": manager.email, "password": "guess"})

    response = browser.post(
        "/admin/login/?next=/admin/", {"username": manager.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "login_locked"
    assert "_auth_user_id" not in browser.session
    assert sign_in(api, manager.email, PASSWORD, "192.0.2.1").status_code == 429


def test_the_admin_login_form_counts_in_the_sign_in_bucket(manager):
    browser = Client()
    in_one_window("ip:127.0.0.1")
    api = APIClient()
    for n in range(5):  # different accounts: the lockout is not what stops them
        sign_in(api, f"someone{n}@example.com", "guess", "127.0.0.1")

    forms = [
        browser.post("/admin/login/", {"username": f"other{n}@example.com", "password": "x"})
        for n in range(6)
    ]

    assert [r.status_code for r in forms] == [200] * 5 + [429]
    assert forms[-1].json()["error"]["code"] == "throttled"
    assert int(forms[-1]["Retry-After"]) > 0
    assert browser.get("/admin/login/").status_code == 200  # the form itself still shows


# REQUEST LIMITS
# ------------------------------------------------------------------------------
def test_a_two_megabyte_body_is_413_and_deep_json_is_400_in_the_envelope(customer_client, caplog):
    big = customer_client.post(
        "/api/v1/orders/", data=b"x" * (2 * 1024 * 1024), content_type="application/json"
    )
    deep = customer_client.post(
        "/api/v1/orders/", data="[" * 10_000 + "]" * 10_000, content_type="application/json"
    )
    at_limit = customer_client.post(
        "/api/v1/orders/",
        data=json.dumps({"items": [], "notes": "x", "x": [[[[]]]]}).replace(
            "[[[[]]]]", "[" * 31 + "]" * 31
        ),
        content_type="application/json",
    )
    over_limit = customer_client.post(
        "/api/v1/orders/",
        data='{"items": ' + "[" * 32 + "]" * 32 + "}",
        content_type="application/json",
    )

    assert big.status_code == 413
    assert big.json()["error"]["code"] == "request_too_large"
    assert deep.status_code == 400
    assert deep.json()["error"]["code"] == "parse_error"
    assert at_limit.json()["error"]["code"] == "validation_error"  # parsed, then validated
    assert over_limit.json()["error"]["code"] == "parse_error"
    assert not Order.objects.exists()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]


# TOKENS
# ------------------------------------------------------------------------------
def test_replaying_a_rotated_refresh_token_revokes_its_family(customer):
    client = APIClient()
    first = client.post("/api/v1/auth/token", {"email": customer.email, "password": PASSWORD})
    other_session = client.post(
        "/api/v1/auth/token", {"email": customer.email, "password": PASSWORD}
    ).json()
    a = first.json()["refresh_token"]
    b = client.post("/api/v1/auth/token/refresh", {"refresh_token": a}).json()["refresh_token"]
    c = client.post("/api/v1/auth/token/refresh", {"refresh_token": b}).json()["refresh_token"]

    replay = client.post("/api/v1/auth/token/refresh", {"refresh_token": a})
    newest = client.post("/api/v1/auth/token/refresh", {"refresh_token": c})
    elsewhere = client.post(
        "/api/v1/auth/token/refresh", {"refresh_token": other_session["refresh_token"]}
    )

    assert replay.status_code == 401
    assert newest.status_code == 401
    assert elsewhere.status_code == 200  # another sign-in is another family
    families = TokenFamily.objects.filter(user=customer)
    assert families.count() == 2
    assert families.filter(revoked_at__isnull=False).count() == 1
    assert ActivityLog.objects.filter(
        user=customer, type=ActivityType.REFRESH_TOKEN_REUSED
    ).exists()


def test_verify_refuses_a_refresh_token(customer):
    client = APIClient()
    tokens = client.post(
        "/api/v1/auth/token", {"email": customer.email, "password": PASSWORD}
    ).json()

    refresh = client.post("/api/v1/auth/token/verify", {"token": tokens["refresh_token"]})
    access = client.post("/api/v1/auth/token/verify", {"token": tokens["access_token"]})

    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "token_not_valid"
    assert access.json()["valid"] is True


# CARD NUMBERS
# ------------------------------------------------------------------------------
def rows_containing(needle: str) -> list[str]:
    """Every table of every database whose rows, as text, contain `needle`."""
    found = []
    for alias in connections:
        with connections[alias].cursor() as cursor:
            for table in connections[alias].introspection.table_names(cursor):
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{needle}%"]
                )
                if cursor.fetchone()[0]:
                    found.append(f"{alias}.{table}")
    return found


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/orders/", {"items": [], "notes": f"pay with {CARD} please"}),
        ("/api/v1/users/me", {"full_name": f"Ivan {CARD}"}),
    ],
)
def test_a_card_number_in_free_text_is_refused_and_stored_nowhere(customer, path, body, caplog):
    client = client_for(customer)
    car = product_make(stock=2)
    if "items" in body:
        body = {**body, "items": [{"product_id": str(car.pk), "quantity": 1}]}

    response = (client.post if path.endswith("orders/") else client.patch)(
        path, body, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "Card numbers are not accepted" in json.dumps(error["details"])
    assert "4111" not in response.content.decode()
    assert rows_containing("4111111111111111") == []
    assert rows_containing(CARD) == []
    assert not any("4111" in r.getMessage() for r in caplog.records)


# WEBSOCKET ORIGINS
# ------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_ticketed_client_without_an_origin_connects_and_a_foreign_origin_is_refused(
    server, customer
):
    order = order_make(customer, (product_make(), 1))
    bearer = {"Authorization": f"Bearer {AccessToken.for_user(customer)}"}

    def ticket():
        return httpx.post(f"{server.url}/api/v1/auth/ws-ticket", headers=bearer).json()["ticket"]

    url = f"{server.ws_url}/ws/orders/{order.pk}/?ticket="
    with connect(url + ticket(), open_timeout=10) as ws:  # no Origin header at all
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
        pushed = json.loads(ws.recv(timeout=10))

    assert (pushed["type"], pushed["order"]["status"]) == ("order.status_changed", "cancelled")
    with pytest.raises(InvalidStatus):
        connect(url + ticket(), origin="https://evil.example", open_timeout=10)
