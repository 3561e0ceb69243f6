"""The rate limiter itself (common/api/throttling.py) on real Redis: a sliding log per bucket,
counted by one script per check, per client network, and in process memory while Redis is
down. The limits as the API applies them are in tests/contracts/test_abuse_controls.py."""

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import JsonResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from common.api import throttling

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = {"at": NOW}
    monkeypatch.setattr(throttling, "clock", lambda: clock["at"])
    return clock


@pytest.fixture(autouse=True)
def local_log():
    """The in-process log outlives a test as Redis does."""
    throttling._local.clear()
    yield throttling._local
    throttling._local.clear()


@pytest.fixture
def rates(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "3/min"}


def request_from(address: str = "192.0.2.1"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def counts(n: int, address: str = "192.0.2.1") -> list[bool]:
    return [throttling.usage_count(request_from(address), "login").allowed for _ in range(n)]


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("10/min", (10, 60)), ("20/m", (20, 60)), ("100/h", (100, 3600)), ("5/10s", (5, 10))],
)
def test_a_rate_is_calls_per_period_in_seconds(rate, parsed):
    assert throttling.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["ten/min", "10", "10/week", ""])
def test_a_rate_that_is_not_one_is_refused(rate):
    with pytest.raises(ValueError, match="Not a rate"):
        throttling.parse_rate(rate)


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:ffff:ffff:ffff", "2001:db8::/64"),
        ("2001:db8:0:1::1", "2001:db8:0:1::/64"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_an_ipv4_client_counts_per_address_and_an_ipv6_one_per_64(address, counted_as):
    assert throttling.client_network(address) == counted_as


def test_a_call_counts_for_exactly_one_period_after_it_was_let_through(rates, clock):
    first = counts(1)
    clock["at"] = NOW + 30
    first += counts(2)
    clock["at"] = NOW + 59.999
    just_before = counts(1)
    clock["at"] = NOW + 60
    on_the_edge = counts(2)

    assert first == [True] * 3
    assert just_before == [False]
    assert on_the_edge == [True, False]  # the first call left the window: one more fits
    key = caches["ratelimit"].make_key("throttle:login:ip:192.0.2.1")
    redis = caches["ratelimit"]._cache.get_client(key)
    assert redis.zcard(key) == 3  # the refused calls were not recorded
    assert 0 < redis.pttl(key) <= 60_000


def test_the_check_is_one_script_loaded_once_and_called_by_its_digest(rates):
    counts(1)
    redis = caches["ratelimit"]._cache.get_client()

    assert redis.script_exists(throttling._SLIDING_LOG_SHA) == [True]


def test_fifty_concurrent_calls_of_one_client_let_exactly_the_limit_through(rates):
    def count(_):
        return throttling.usage_count(request_from(), "login")

    with ThreadPoolExecutor(max_workers=50) as pool:  # a failing thread fails the map
        usages = list(pool.map(count, range(50)))

    assert sum(usage.allowed for usage in usages) == 3
    assert sorted(usage.remaining for usage in usages if usage.allowed) == [0, 1, 2]
    key = caches["ratelimit"].make_key("throttle:login:ip:192.0.2.1")
    assert caches["ratelimit"]._cache.get_client(key).zcard(key) == 3


def test_with_redis_down_each_process_counts_the_same_sliding_window_and_says_so(
    rates, settings, clock, caplog, monkeypatch, local_log
):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    monkeypatch.setattr(throttling, "_warned_at", float("-inf"))

    with caplog.at_level(logging.WARNING, logger="common.api.throttling"):
        first = counts(4)
        other_client = counts(1, "192.0.2.2")
        clock["at"] = NOW + 60
        a_minute_later = counts(4)

    assert first == [True] * 3 + [False]
    assert other_client == [True]
    assert a_minute_later == [True] * 3 + [False]
    warnings = [r for r in caplog.records if "Rate limits count locally" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a call
    key = caches["ratelimit"].make_key("throttle:login:ip:192.0.2.1")
    assert len(local_log._calls[key]) == 3


def test_without_redis_the_limits_count_in_process_memory(rates, settings, local_log):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

    assert counts(4) == [True] * 3 + [False]
    assert len(local_log._calls) == 1


class LoginBucket(throttling.RateThrottle):
    def scope(self, request, view):
        return "login"


class TwoBuckets(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = [throttling.RateThrottle, LoginBucket]

    def post(self, request):
        return Response({"ok": True})


def test_a_call_counted_in_two_buckets_shows_the_most_restrictive_one(rates):
    view = TwoBuckets.as_view()

    def call():
        return view(APIRequestFactory().post("/", REMOTE_ADDR="192.0.2.1"))

    responses = [call() for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 3 + [429]
    headers = [tuple(r[name] for name in throttling.RATE_LIMIT_HEADERS) for r in responses]
    # `anon` allows 100000 a minute in the test settings, `login` 3.
    assert headers == [("3", "2", "60"), ("3", "1", "60"), ("3", "0", "60"), ("3", "0", "60")]


def test_a_plain_view_throttled_on_get_answers_with_the_headers_and_then_a_429(rates):
    @throttling.throttled("login", methods=("GET",))
    def page(request):
        return JsonResponse({"ok": True})

    def get():
        request = RequestFactory().get("/api/v1/page", REMOTE_ADDR="192.0.2.1")
        request.user = AnonymousUser()
        return page(request)

    responses = [get() for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 3 + [429]
    assert json.loads(responses[-1].content)["error"] == {
        "code": "throttled",
        "message": "Request was throttled.",
        "details": {},
        "retry_after": 60,
    }
    assert responses[-1]["Retry-After"] == "60"
    assert [r["RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert {(r["RateLimit-Limit"], r["RateLimit-Reset"]) for r in responses} == {("3", "60")}


@pytest.mark.parametrize(
    ("language", "said"),
    [("ru", "Слишком много попыток"), ("en", "Too many attempts")],
)
@pytest.mark.django_db(databases="__all__")
def test_the_admins_sign_in_throttled_answers_a_page_in_the_readers_language(
    rates, client, language, said
):
    url, address = reverse("admin:login"), f"198.51.100.{len(language) + ord(language[0])}"
    caches["ratelimit"].delete(f"throttle:login:ip:{address}")
    form = {"username": "x@example.com", "password": "wrong"}
    for _ in range(3):
        client.post(url, form, REMOTE_ADDR=address)

    refused = client.post(url, form, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert said in page and f'lang="{language}"' in page
    assert "\\u" not in page and "{" not in page.split("</style>")[1]  # no JSON
    assert refused["Retry-After"] == "60"
