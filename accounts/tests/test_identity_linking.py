"""Linking a Google account to an existing one (docs/security.md, "Google sign-in"), against
the local stand-in for Google (tests/oidc_provider.py):

- from a signed-in session, only with a verified e-mail and a password sign-in of that
  session at most 10 minutes old;
- by the e-mail confirmation otherwise; confirming for an address nobody had verified
  reclaims the account (the pre-hijack: someone signed up first with the owner's address)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ActivityLog, ExternalIdentity, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.google import CALLBACK, START, me, sign_in_with_google
from conftest import client_for

pytestmark = pytest.mark.django_db(databases="__all__")

VICTIM = "anna.petrova@gmail.example"  # the stand-in's Google account


def password_sign_in(email: str, password: str = PASSWORD):
    return APIClient().post("/api/v1/auth/token", {"email": email, "password": password})


def bearer(access_token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return api


def verified_user(**fields) -> User:
    return UserFactory.create(email_verified_at=timezone.now(), **fields)


def link_from(browser: APIClient, oidc_provider):
    started = browser.post(START)
    if started.status_code != 200:
        return started
    return browser.get(CALLBACK, oidc_provider.sign_in(started.json()["authorization_url"]))


def session_aged(user: User, minutes: int) -> None:
    ActivityLog.objects.filter(user=user, type="login").update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def refused_to_link(response, code: str) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == code
    assert "autosalon_oidc" not in response.cookies  # no flow was started
    assert ExternalIdentity.objects.count() == 0


# FROM A SIGNED-IN SESSION
# ------------------------------------------------------------------------------
def test_a_session_that_signed_in_with_its_password_just_now_links_google(oidc_provider):
    user = verified_user()
    tokens = password_sign_in(user.email).json()

    linked = link_from(bearer(tokens["access_token"]), oidc_provider)

    assert linked.status_code == 200, linked.content
    assert ExternalIdentity.objects.get().user_id == user.pk
    assert me(linked.json())["id"] == str(user.pk)


def test_linking_google_from_a_session_older_than_ten_minutes_is_refused(oidc_provider):
    # Given a session whose password sign-in was 11 minutes ago (its access token refreshed
    # since, as a stolen one would be)
    user = verified_user()
    tokens = password_sign_in(user.email).json()
    session_aged(user, minutes=11)
    refreshed = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.content

    # When it starts linking a Google account
    response = bearer(refreshed.json()["access_token"]).post(START)

    # Then it is refused, and nothing is started or linked
    refused_to_link(response, "reauthentication_required")


def test_a_session_of_nine_minutes_still_links(oidc_provider):
    user = verified_user()
    tokens = password_sign_in(user.email).json()
    session_aged(user, minutes=9)

    linked = link_from(bearer(tokens["access_token"]), oidc_provider)

    assert linked.status_code == 200, linked.content
    assert ExternalIdentity.objects.get().user_id == user.pk


def test_a_recent_password_sign_in_on_another_device_does_not_let_an_old_session_link(
    oidc_provider,
):
    user = verified_user()
    old = password_sign_in(user.email).json()
    session_aged(user, minutes=30)
    assert password_sign_in(user.email).status_code == 200  # the owner, elsewhere

    refused_to_link(bearer(old["access_token"]).post(START), "reauthentication_required")


def test_a_session_that_signed_in_with_google_cannot_link_another_google_account(
    oidc_provider,
):
    signed_up = sign_in_with_google(oidc_provider)
    assert signed_up.status_code == 200, signed_up.content
    oidc_provider.account.update(sub="another-subject", email="anna.work@gmail.example")

    response = bearer(signed_up.json()["access_token"]).post(START)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "reauthentication_required"
    assert ExternalIdentity.objects.count() == 1


def test_an_access_token_with_no_sign_in_behind_it_links_nothing(oidc_provider):
    user = verified_user()

    refused_to_link(client_for(user).post(START), "reauthentication_required")


def test_an_account_whose_email_is_not_verified_links_only_by_email(oidc_provider):
    user = UserFactory(email_verified_at=None)  # never verified
    tokens = password_sign_in(user.email).json()

    refused_to_link(bearer(tokens["access_token"]).post(START), "email_unverified")


# BY E-MAIL CONFIRMATION
# ------------------------------------------------------------------------------
def link_message():
    (message,) = [m for m in mail.outbox if "link-account?token=" in m.body]
    return message


def link_token(message) -> str:
    found = re.search(r"link-account\?token=(\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_the_pre_hijack_leaves_the_attackers_password_and_tokens_refused(
    oidc_provider, django_capture_on_commit_callbacks
):
    # Given an attacker who signed up with the victim's address and their own password, and
    # holds a pair of tokens
    attacker_password = "Attackers-own-2026"
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = APIClient().post(
            "/api/v1/auth/register",
            {"email": VICTIM, "password": attacker_password},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert signed_up.status_code == 201, signed_up.content
    account = User.objects.get(email=VICTIM)
    attackers = password_sign_in(VICTIM, attacker_password).json()
    assert bearer(attackers["access_token"]).get("/api/v1/users/me").status_code == 200

    # When the victim signs in with Google, and confirms the link from their mailbox
    with django_capture_on_commit_callbacks(execute=True):
        pending = sign_in_with_google(oidc_provider)
    assert pending.status_code == 202, pending.content
    message = link_message()
    assert message.to == [VICTIM]
    assert "removes the account's password" in message.body
    assert "removes the account's password" in message.alternatives[0][0]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = APIClient().post(
            "/api/v1/auth/identity-link/confirm", {"token": link_token(message)}
        )
    assert confirmed.status_code == 200, confirmed.content

    # Then the attacker's password and both of their tokens are refused
    by_password = password_sign_in(VICTIM, attacker_password)
    assert by_password.status_code == 401
    assert by_password.json()["error"]["code"] == "invalid_credentials"
    assert bearer(attackers["access_token"]).get("/api/v1/users/me").status_code == 401
    refreshed = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh_token": attackers["refresh_token"]}
    )
    assert refreshed.status_code == 401
    # and the account is the victim's: no password, a verified e-mail, their Google account
    account.refresh_from_db()
    assert account.has_usable_password() is False
    assert account.email_verified_at is not None
    assert ExternalIdentity.objects.get().user_id == account.pk
    assert ActivityLog.objects.filter(
        user=account, type="email_verified", details__password_cleared=True
    ).exists()
    again = sign_in_with_google(oidc_provider)
    assert again.status_code == 200, again.content
    profile = me(again.json())
    assert (profile["id"], profile["email_verified"]) == (str(account.pk), True)


def test_reclaiming_an_account_unlinks_the_external_accounts_linked_before(
    oidc_provider, django_capture_on_commit_callbacks
):
    # Given an unverified account to which someone else's Google account is linked
    account = UserFactory(email=VICTIM, email_verified_at=None)
    ExternalIdentity.objects.create(
        user=account, provider="google", subject="attackers-sub", email="mallory@gmail.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in_with_google(oidc_provider).status_code == 202

    confirmed = APIClient().post(
        "/api/v1/auth/identity-link/confirm", {"token": link_token(link_message())}
    )

    assert confirmed.status_code == 200, confirmed.content
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == [
        oidc_provider.account["sub"]
    ]
    assert ActivityLog.objects.filter(user=account, type="identity_unlinked").count() == 1


def test_confirming_a_link_to_a_verified_account_keeps_its_password_and_sessions(
    oidc_provider, django_capture_on_commit_callbacks
):
    account = verified_user(email=VICTIM)
    tokens = password_sign_in(VICTIM).json()
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in_with_google(oidc_provider).status_code == 202
    message = link_message()
    assert "removes the account's password" not in message.body

    confirmed = APIClient().post(
        "/api/v1/auth/identity-link/confirm", {"token": link_token(message)}
    )

    assert confirmed.status_code == 200, confirmed.content
    account.refresh_from_db()
    assert account.has_usable_password() is True
    assert password_sign_in(VICTIM).status_code == 200
    assert bearer(tokens["access_token"]).get("/api/v1/users/me").status_code == 200
    assert ExternalIdentity.objects.get().user_id == account.pk
