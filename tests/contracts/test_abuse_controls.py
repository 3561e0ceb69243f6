"""Abuse controls on real Redis, with the default limits (docs/security.md): rate limits
per client, the lockout per account, request limits, refresh-token families, card numbers
in free text, WebSocket origins."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from accounts import selectors as accounts_selectors
from accounts.choices import ActivityType
from accounts.models import ActivityLog, TokenFamily
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import AccessToken
from catalog.tests.factories import VehicleFactory
from common.api import throttling
from config.settings import base
from conftest import client_for, rows_containing
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


# A minute's edge on the wall clock, where a fixed window would start counting again.
EDGE = 1_800_000_000.0


class Clock:
    def __init__(self, at: float):
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """The time the rate limits count in (`common.api.throttling.clock`), set by the test."""
    clock = Clock(EDGE)
    monkeypatch.setattr(throttling, "clock", clock)
    return clock


def rate_limit(response) -> tuple[int, int, int]:
    """The RateLimit headers of `response`: limit, calls left, seconds until one more."""
    limit, left, reset = (int(response[name]) for name in throttling.RATE_LIMIT_HEADERS)
    return limit, left, reset


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
        "lead": "10/min",
        "upload": "30/min",
        "document": "10/min",
        "user": "100/min",
        "anon": "100/min",
        "readiness": "60/min",
    }
    assert (
        base.LOCKOUT_ADDRESS_FAILURE_LIMIT,
        base.LOCKOUT_COOLOFF.total_seconds(),
        base.LOCKOUT_ACCOUNT_FAILURE_LIMIT,
    ) == (5, 900, 50)
    assert base.REQUEST_MAX_BODY_BYTES == 1024 * 1024


# RATE LIMITS
# ------------------------------------------------------------------------------
def test_the_eleventh_registration_from_one_address_is_throttled_whatever_it_forwards():
    client = APIClient()

    responses = [register(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(11)]

    assert [r.status_code for r in responses] == [201] * 10 + [429]
    error = responses[-1].json()["error"]
    assert error["code"] == "throttled"
    assert 0 < error["retry_after"] <= 60
    assert responses[-1]["Retry-After"] == str(error["retry_after"])
    assert not ActivityLog.objects.filter(user__email="new10@example.com").exists()


def test_the_eleventh_call_back_asked_for_from_one_address_is_a_429_page_leaving_no_lead():
    car = VehicleFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    url = reverse("storefront:callback", args=[car.pk])

    phones = [f"+79161234{n:03d}" for n in range(11)]

    responses = [client.post(url, {"name": "Иван", "phone": p, "consent": "on"}) for p in phones]

    assert [r.status_code for r in responses] == [302] * 10 + [429]
    assert "text/html" in responses[-1]["Content-Type"]  # a page a person reads
    assert accounts_selectors.consent_list_of_phone(phone=phones[9]).exists()
    assert not accounts_selectors.consent_list_of_phone(phone=phones[10]).exists()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_counted(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    client = APIClient()

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
    for n in range(10):
        register(client, n)

    signed_in = client.post(
        "/api/v1/auth/token", {"email": "known@example.com", "password": PASSWORD}
    )

    assert register(client, 99).status_code == 429
    assert signed_in.status_code == 200


def order(client, car):
    item = {"product_id": str(car.pk), "quantity": 1}
    return client.post("/api/v1/orders/", {"items": [item]}, format="json")


def test_the_21st_order_in_a_minute_is_throttled_and_another_client_is_not(customer):
    car = product_make(stock=100, price="10.00")
    mine, theirs = client_for(customer), client_for(UserFactory(role="client"))

    responses = [order(mine, car) for _ in range(21)]

    assert [r.status_code for r in responses] == [201] * 20 + [429]
    assert responses[-1].json()["error"]["code"] == "throttled"
    assert Order.objects.filter(customer_id=customer.pk).count() == 20
    assert mine.get("/api/v1/orders/").status_code == 200  # other calls have their own bucket
    assert order(theirs, car).status_code == 201


def test_21_orders_across_a_minutes_edge_let_20_through_in_any_sixty_seconds(customer, clock):
    car = product_make(stock=100, price="10.00")
    client = client_for(customer)

    # Ten orders in the last tenth of a second of one wall-clock minute, eleven in the first
    # tenth of the next: a fixed window would let all 21 through.
    clock.at = EDGE - 0.1
    before = [order(client, car) for _ in range(10)]
    clock.at = EDGE + 0.1
    after = [order(client, car) for _ in range(11)]

    assert [r.status_code for r in before + after] == [201] * 20 + [429]
    error = after[-1].json()["error"]
    assert error["code"] == "throttled"
    assert error["retry_after"] == 60  # the first ten leave the window in 59.8 seconds
    assert after[-1]["Retry-After"] == "60"
    assert Order.objects.filter(customer_id=customer.pk).count() == 20

    # Sixty seconds after the first ten, they no longer count; the next ten still do.
    clock.at = EDGE + 59.85
    still = order(client, car)
    clock.at = EDGE + 59.9
    later = [order(client, car) for _ in range(11)]

    assert still.status_code == 429
    assert [r.status_code for r in later] == [201] * 10 + [429]
    assert Order.objects.filter(customer_id=customer.pk).count() == 30


def test_every_throttled_response_tells_the_limit_the_calls_left_and_when_one_comes_back(
    customer, clock
):
    car = product_make(stock=100, price="10.00")
    client = client_for(customer)

    first = order(client, car)
    clock.at = EDGE + 15
    rest = [order(client, car) for _ in range(19)]
    refused = order(client, car)
    listed = client.get("/api/v1/orders/")

    assert rate_limit(first) == (20, 19, 60)
    assert [rate_limit(r)[1] for r in rest] == list(range(18, -1, -1))
    assert rate_limit(rest[-1]) == (20, 0, 45)  # the first order leaves the window at EDGE+60
    assert refused.status_code == 429
    assert rate_limit(refused) == (20, 0, 45)
    assert refused["Retry-After"] == "45"
    assert refused.json()["error"]["retry_after"] == 45
    assert rate_limit(listed) == (100, 99, 60)  # reading counts in its own bucket
    assert Order.objects.filter(customer_id=customer.pk).count() == 20


def test_sign_ins_from_one_ipv6_64_share_a_budget_and_ipv4_addresses_do_not(customer):
    client = APIClient()

    def sign_in_from(address):
        return sign_in(client, customer.email, PASSWORD, address)

    one_block = [sign_in_from(f"2001:db8::{n:x}") for n in range(1, 26)]
    next_block = sign_in_from("2001:db8:0:1::1")
    ipv4 = [sign_in_from("198.51.100.1") for _ in range(10)]
    mapped = sign_in_from("::ffff:198.51.100.1")  # the same IPv4 client, written as IPv6
    neighbour = sign_in_from("198.51.100.2")

    assert [r.status_code for r in one_block] == [200] * 10 + [429] * 15
    assert one_block[-1].json()["error"]["code"] == "throttled"
    assert next_block.status_code == 200
    assert [r.status_code for r in ipv4] == [200] * 10
    assert mapped.status_code == 429
    assert neighbour.status_code == 200
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.LOGIN).count() == 22


@pytest.mark.process
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


# LOCKOUT (its own tests are in accounts/tests/test_lockout.py)
# ------------------------------------------------------------------------------
def sign_in(client, email, password, ip):
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_the_admin_login_form_counts_in_the_sign_in_bucket(manager, clock):
    browser = Client()
    api = APIClient()
    for n in range(5):  # different accounts: the lockout is not what stops them
        sign_in(api, f"someone{n}@example.com", "guess", "127.0.0.1")

    forms = [
        browser.post("/admin/login/", {"username": f"other{n}@example.com", "password": "x"})
        for n in range(6)
    ]

    assert [r.status_code for r in forms] == [200] * 5 + [429]
    # A page in the reader's language, not the API's envelope (a person reads it).
    assert forms[-1]["Content-Type"].startswith("text/html")
    assert "Too many attempts" in forms[-1].content.decode()
    assert int(forms[-1]["Retry-After"]) == 60
    assert rate_limit(forms[0]) == (10, 4, 60)
    assert rate_limit(forms[-1]) == (10, 0, 60)
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
@pytest.mark.process
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
