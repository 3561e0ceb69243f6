"""Every error type comes back in the envelope of docs/api.md, "Errors" with a stable code."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tokens import AccessToken

pytestmark = pytest.mark.django_db(databases="__all__")


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert set(body["error"]) >= {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_validation_error_has_per_field_details(api_client):
    error = assert_envelope(
        api_client.post(reverse("auth-register"), {"email": "nope"}), 400, "validation_error"
    )

    assert set(error["details"]) == {"email", "password"}
    assert isinstance(error["details"]["email"], list)


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.post(
        reverse("auth-register"), data="{not json", content_type="application/json"
    )

    assert_envelope(response, 400, "parse_error")


def test_unsupported_media_type(api_client):
    response = api_client.post(reverse("auth-register"), data="x", content_type="text/csv")

    assert_envelope(response, 415, "unsupported_media_type")


def test_missing_token_is_401_not_authenticated(api_client):
    response = api_client.get(reverse("users-me"))

    assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_garbage_token_is_401_token_not_valid(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")

    assert_envelope(api_client.get(reverse("users-me")), 401, "token_not_valid")


def test_token_of_a_deleted_user_is_401(api_client):
    user = UserFactory()
    token = AccessToken.for_user(user)
    user.delete()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_envelope(api_client.get(reverse("users-me")), 401, "authentication_failed")


def test_forbidden_is_403_permission_denied(customer_client):
    assert_envelope(customer_client.get(reverse("users-list")), 403, "permission_denied")


def test_missing_object_is_404_not_found(admin_client):
    url = reverse("users-detail", args=["00000000-0000-0000-0000-000000000000"])

    assert_envelope(admin_client.get(url), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/users/me", "/api/"])
def test_unknown_api_path_is_404_in_the_envelope(api_client, path):
    assert_envelope(api_client.get(path), 404, "not_found")


def test_a_disallowed_host_header_is_400_in_the_envelope(api_client):
    assert_envelope(api_client.get("/api/v1/ping", HTTP_HOST="evil.example"), 400, "bad_request")


def test_wrong_method_is_405(customer_client):
    assert_envelope(customer_client.delete(reverse("users-me")), 405, "method_not_allowed")


@pytest.mark.urls("tests.contracts.urls_with_failure")
@pytest.mark.parametrize("path", ["/api/v1/test-broken", "/api/v1/test-broken-plain"])
def test_server_error_is_500_without_internals(path):
    client = Client(raise_request_exception=False)

    error = assert_envelope(client.get(path), 500, "server_error")

    assert "boom" not in error["message"]


def test_throttled_request_says_when_to_retry(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "register": "2/min"}

    for _ in range(2):
        api_client.post(reverse("auth-password-reset"), {"email": "a@example.com"})
    response = api_client.post(reverse("auth-password-reset"), {"email": "a@example.com"})

    error = assert_envelope(response, 429, "throttled")
    assert 0 < error["retry_after"] <= 60
    assert response["Retry-After"] == str(error["retry_after"])


def test_with_the_cache_down_orders_are_still_placed_and_read(
    customer_client, settings, run_on_commit
):
    from orders.models import Order
    from orders.tests.factories import product_make

    product = product_make(stock=2)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
        "ratelimit": {  # rate limits count in this process instead
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }

    with run_on_commit():  # cache invalidations run, and fail, after commit
        created = customer_client.post(
            "/api/v1/orders/",
            {"items": [{"product_id": str(product.pk), "quantity": 1}]},
            format="json",
        )
    detail = customer_client.get(f"/api/v1/orders/{created.json()['id']}/")
    listed = customer_client.get("/api/v1/catalog/products/")

    assert created.status_code == 201
    assert detail.json()["status"] == "pending"
    assert listed.json()["results"][0]["stock_quantity"] == 1
    assert Order.objects.count() == 1
