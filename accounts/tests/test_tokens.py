import time

import jwt
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.choices import ActivityType
from accounts.models import ActivityLog
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import client_for, run_concurrently

pytestmark = pytest.mark.django_db


def obtain(api_client, user) -> dict:
    response = api_client.post(reverse("auth-token"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return response.json()


def refresh(api_client, refresh_token):
    return api_client.post(reverse("auth-token-refresh"), {"refresh_token": refresh_token})


def test_token_endpoint_accepts_json_with_email(api_client, customer):
    body = obtain(api_client, customer)

    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    access = jwt.decode(body["access_token"], options={"verify_signature": False})
    refresh_claims = jwt.decode(body["refresh_token"], options={"verify_signature": False})
    assert access["user_id"] == str(customer.pk)
    # simplejwt dates `exp` from the refresh token and `iat` from the access token, made a
    # moment later: across a second boundary the two differ by one.
    assert access["exp"] - access["iat"] in (299, 300)
    assert refresh_claims["exp"] - refresh_claims["iat"] == 7 * 24 * 3600
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.LOGIN).count() == 1
    assert OutstandingToken.objects.filter(user=customer).count() == 1


def test_token_endpoint_accepts_the_oauth2_password_form(api_client, customer):
    response = api_client.post(
        reverse("auth-token"),
        {"username": customer.email.upper(), "password": PASSWORD},
        format="multipart",
    )

    assert response.status_code == 200
    me = client_for(customer).get(reverse("users-me"))
    assert me.json()["email"] == customer.email


def test_wrong_password_is_401_and_logged_as_a_failed_login(api_client, customer):
    response = api_client.post(
        reverse("auth-token"), {"email": customer.email, "password": "wrong-password"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.LOGIN_FAILED).count() == 1
    assert not OutstandingToken.objects.filter(user=customer).exists()


def test_unknown_email_gets_the_same_401_as_a_wrong_password(api_client):
    response = api_client.post(
        reverse("auth-token"), {"email": "nobody@example.com", "password": "wrong-password"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_token_request_without_email_or_username_is_a_validation_error(api_client):
    response = api_client.post(reverse("auth-token"), {"password": PASSWORD})

    assert response.status_code == 400
    assert "email" in response.json()["error"]["details"]


def test_inactive_user_cannot_obtain_a_token(api_client):
    user = UserFactory(is_active=False)

    response = api_client.post(reverse("auth-token"), {"email": user.email, "password": PASSWORD})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_refresh_rotates_and_a_replay_of_the_old_token_revokes_the_sign_in(api_client, customer):
    first = obtain(api_client, customer)

    rotated = refresh(api_client, first["refresh_token"])
    replay = refresh(api_client, first["refresh_token"])

    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != first["refresh_token"]
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_token_invalid"
    # Someone kept a copy of a rotated token: the whole family stops refreshing.
    assert refresh(api_client, rotated.json()["refresh_token"]).status_code == 401
    assert BlacklistedToken.objects.filter(token__user=customer).count() == 1


def test_an_access_token_is_not_a_refresh_token(api_client, customer):
    tokens = obtain(api_client, customer)

    response = refresh(api_client, tokens["access_token"])

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "refresh_token_invalid"


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_refreshes_of_one_token_mint_exactly_one_pair(customer):
    client = Client()
    token = client.post(
        reverse("auth-token"),
        {"email": customer.email, "password": PASSWORD},
        content_type="application/json",
    ).json()["refresh_token"]

    responses = run_concurrently(
        20,
        lambda: client.post(
            reverse("auth-token-refresh"),
            {"refresh_token": token},
            content_type="application/json",
        ),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [401] * 19
    for response in responses:
        if response.status_code == 401:
            assert response.json()["success"] is False
            assert response.json()["error"]["code"] == "refresh_token_invalid"
    # The original token and the single rotated one; only the original is blacklisted.
    assert OutstandingToken.objects.filter(user=customer).count() == 2
    assert BlacklistedToken.objects.filter(token__user=customer).count() == 1


def test_verify_reports_a_valid_token_with_its_user(api_client, customer):
    tokens = obtain(api_client, customer)

    response = api_client.post(reverse("auth-token-verify"), {"token": tokens["access_token"]})

    assert response.json() == {
        "valid": True,
        "user_id": str(customer.pk),
        "email": customer.email,
        "role": "client",
    }


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 4000])
def test_verify_reports_an_invalid_token(api_client, token):
    response = api_client.post(reverse("auth-token-verify"), {"token": token})

    assert response.status_code == 200
    assert response.json()["valid"] is False


def test_logout_revokes_the_refresh_token(api_client, customer):
    tokens = obtain(api_client, customer)

    response = api_client.post(reverse("auth-logout"), {"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 204
    assert refresh(api_client, tokens["refresh_token"]).status_code == 401
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.LOGOUT).count() == 1


def test_a_deactivated_users_tokens_stop_working(api_client, customer):
    tokens = obtain(api_client, customer)
    customer.is_active = False
    customer.save()

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api_client.get(reverse("users-me")).status_code == 401
    assert refresh(api_client, tokens["refresh_token"]).status_code == 401


def test_ws_ticket_is_single_use(customer_client, customer):
    response = customer_client.post(reverse("auth-ws-ticket"))

    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert response.json()["expires_in"] == 30
    assert services.ws_ticket_consume(ticket=ticket) == customer
    assert services.ws_ticket_consume(ticket=ticket) is None
    assert services.ws_ticket_consume(ticket="never-issued") is None


@override_settings(WS_TICKET_TTL_SECONDS=1)
def test_ws_ticket_expires(customer):
    ticket = services.ws_ticket_issue(user=customer)["ticket"]

    time.sleep(1.5)

    assert services.ws_ticket_consume(ticket=ticket) is None


def test_ws_ticket_requires_authentication(api_client):
    response = api_client.post(reverse("auth-ws-ticket"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_tokens_carry_nothing_derived_from_the_password(api_client, customer):
    from rest_framework_simplejwt.utils import get_md5_hash_password

    body = obtain(api_client, customer)
    claims = [
        jwt.decode(body[name], options={"verify_signature": False})
        for name in ("access_token", "refresh_token")
    ]

    for token in claims:
        assert set(token) <= {
            *("token_type", "exp", "iat", "jti", "iss", "aud"),
            *("user_id", "role", "family", "ver"),
        }
        assert get_md5_hash_password(customer.password) not in token.values()
        assert token["ver"] == 0


def test_a_token_of_an_earlier_version_is_refused_everywhere(api_client, customer):
    body = obtain(api_client, customer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api_client.get(reverse("users-me")).status_code == 200

    services.tokens_revoke_all(user=customer)

    customer.refresh_from_db()
    assert customer.token_version == 1
    refused = api_client.get(reverse("users-me"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_not_valid"
    api_client.credentials()
    assert refresh(api_client, body["refresh_token"]).status_code == 401
    verified = api_client.post(reverse("auth-token-verify"), {"token": body["access_token"]})
    assert verified.json()["valid"] is False
    fresh = obtain(api_client, customer)  # signing in again gives tokens of the new version
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh['access_token']}")
    assert api_client.get(reverse("users-me")).status_code == 200
