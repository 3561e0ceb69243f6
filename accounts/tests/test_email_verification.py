"""E-mail ownership (docs/security.md, "Google sign-in"): a new account proves its mailbox
with a signed, expiring link; it works before that, and `users/me` says whether it has. A
new password or a logout from every device lists the external accounts that still sign in."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ActivityLog, ExternalIdentity, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.google import me, sign_in_with_google
from conftest import client_for

pytestmark = pytest.mark.django_db(databases="__all__")

REGISTER = "/api/v1/auth/register"
VERIFY = "/api/v1/auth/email/verify"
RESEND = "/api/v1/auth/email/verify/resend"


def verify_token(message) -> str:
    found = re.search(r"verify-email\?token=(\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def register(django_capture_on_commit_callbacks, email="new.client@example.com", **headers) -> User:
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(REGISTER, {"email": email, "password": PASSWORD}, **headers)
    assert response.status_code == 201, response.content
    assert response.json()["email_verified"] is False
    return User.objects.get(email=email)


def signed_in(email: str) -> APIClient:
    tokens = APIClient().post("/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    return api


def test_registration_emails_a_link_that_verifies_the_address(django_capture_on_commit_callbacks):
    user = register(django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[user.email]]
    # No language asked for: the dealership's (DEALERSHIP_LANGUAGE, Russian).
    assert mail.outbox[0].subject == "Автосалон: подтвердите адрес эл. почты"
    assert mail.outbox[0].body.startswith("Здравствуйте")
    assert User.objects.get(pk=user.pk).language == ""
    assert User.objects.get(pk=user.pk).email_verified_at is None

    verified = APIClient().post(VERIFY, {"token": verify_token(mail.outbox[0])})

    assert verified.status_code == 200, verified.content
    assert verified.json()["email_verified"] is True
    assert User.objects.get(pk=user.pk).email_verified_at is not None
    assert ActivityLog.objects.filter(user=user, type="email_verified").count() == 1


def test_an_unverified_account_signs_in_and_says_so_in_users_me(
    django_capture_on_commit_callbacks,
):
    user = register(django_capture_on_commit_callbacks)
    api = signed_in(user.email)

    before = api.get("/api/v1/users/me")
    APIClient().post(VERIFY, {"token": verify_token(mail.outbox[0])})
    after = api.get("/api/v1/users/me")

    assert (before.status_code, before.json()["email_verified"]) == (200, False)
    assert (after.status_code, after.json()["email_verified"]) == (200, True)


def test_confirming_twice_verifies_once(django_capture_on_commit_callbacks):
    user = register(django_capture_on_commit_callbacks)
    token = verify_token(mail.outbox[0])

    first = APIClient().post(VERIFY, {"token": token})
    verified_at = User.objects.get(pk=user.pk).email_verified_at
    second = APIClient().post(VERIFY, {"token": token})

    assert (first.status_code, second.status_code) == (200, 200)
    assert User.objects.get(pk=user.pk).email_verified_at == verified_at
    assert ActivityLog.objects.filter(user=user, type="email_verified").count() == 1


def test_an_expired_link_verifies_nothing(settings, django_capture_on_commit_callbacks):
    user = register(django_capture_on_commit_callbacks)
    settings.ACCOUNTS_EMAIL_VERIFY_HOURS = -1

    response = APIClient().post(VERIFY, {"token": verify_token(mail.outbox[0])})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_verify_token_invalid"
    assert User.objects.get(pk=user.pk).email_verified_at is None


def test_a_link_sent_to_an_address_the_account_no_longer_has_verifies_nothing(
    django_capture_on_commit_callbacks,
):
    user = register(django_capture_on_commit_callbacks)
    User.objects.filter(pk=user.pk).update(email="moved@example.com")

    response = APIClient().post(VERIFY, {"token": verify_token(mail.outbox[0])})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_verify_token_invalid"
    assert User.objects.get(pk=user.pk).email_verified_at is None


@pytest.mark.parametrize(
    ("token", "code"), [("garbage", "email_verify_token_invalid"), ("", "validation_error")]
)
def test_a_forged_token_verifies_nothing(token, code):
    user = UserFactory(email_verified_at=None)

    response = APIClient().post(VERIFY, {"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert User.objects.get(pk=user.pk).email_verified_at is None


def test_a_signed_in_user_asks_for_a_new_link_and_it_works(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(RESEND)

    assert response.status_code == 202
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert APIClient().post(VERIFY, {"token": verify_token(mail.outbox[0])}).status_code == 200
    assert User.objects.get(pk=user.pk).email_verified_at is not None


def test_a_verified_user_gets_no_new_link(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(RESEND)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_already_verified"
    assert mail.outbox == []


def test_the_verification_page_verifies_on_a_click_and_not_on_opening(
    django_capture_on_commit_callbacks,
):
    user = register(django_capture_on_commit_callbacks)
    token = verify_token(mail.outbox[0])
    page = Client()

    opened = page.get("/verify-email", {"token": token})
    assert opened.status_code == 200
    assert User.objects.get(pk=user.pk).email_verified_at is None

    clicked = page.post("/verify-email", {"token": token})
    assert clicked.status_code == 200
    assert b'id="done"' in clicked.content
    assert User.objects.get(pk=user.pk).email_verified_at is not None


def test_an_account_made_by_a_google_sign_in_has_a_verified_email(oidc_provider):
    signed_up = sign_in_with_google(oidc_provider)

    assert signed_up.status_code == 200, signed_up.content
    assert me(signed_up.json())["email_verified"] is True
    assert User.objects.get(email="anna.petrova@gmail.example").email_verified_at is not None


# THE E-MAILS THAT LIST LINKED ACCOUNTS
# ------------------------------------------------------------------------------
def linked(user: User) -> ExternalIdentity:
    return ExternalIdentity.objects.create(
        user=user, provider="google", subject="g-123", email="someone@gmail.example"
    )


def test_the_password_reset_email_lists_the_linked_accounts_and_how_to_unlink_them(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email_verified_at=None, language="en")
    identity = linked(user)

    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post("/api/v1/auth/password/reset", {"email": user.email})

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Google account someone@gmail.example" in body
        assert f"DELETE /api/v1/users/{user.pk}/integrations/" in body
    # The path it names unlinks the account for its owner.
    unlinked = client_for(user).delete(f"/api/v1/users/{user.pk}/integrations/{identity.pk}")
    assert unlinked.status_code == 204
    assert not ExternalIdentity.objects.filter(user=user).exists()


def test_a_password_reset_email_without_linked_accounts_mentions_none(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post("/api/v1/auth/password/reset", {"email": user.email})

    assert "external accounts" not in mail.outbox[0].body


def test_a_logout_everywhere_emails_the_user_with_the_linked_accounts(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email_verified_at=None, language="en")
    linked(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post("/api/v1/auth/logout-all")

    assert response.status_code == 204
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "signed out" in message.subject
    assert "Google account someone@gmail.example" in message.body
    assert f"DELETE /api/v1/users/{user.pk}/integrations/" in message.body


# EXISTING ACCOUNTS (accounts/migrations/0010_user_email_verified_at.py)
# ------------------------------------------------------------------------------
def test_the_migration_marks_only_accounts_a_provider_made_as_verified():
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    # Given an account a Google sign-in made (no password, its own e-mail at Google), one
    # with a password and a Google account of the same e-mail, and one with a password only
    made_by_google = UserFactory(email="made@gmail.example", email_verified_at=None)
    made_by_google.set_unusable_password()
    made_by_google.save()
    with_password = UserFactory(email="pw@gmail.example", email_verified_at=None)
    for user in (made_by_google, with_password):
        ExternalIdentity.objects.create(
            user=user, provider="google", subject=f"sub-{user.pk}", email=user.email
        )
    password_only = UserFactory(email_verified_at=None)

    importlib.import_module("accounts.migrations.0010_user_email_verified_at").verified_by_provider(
        apps, SimpleNamespace(connection=SimpleNamespace(alias="default"))
    )

    verified = set(
        User.objects.filter(email_verified_at__isnull=False).values_list("pk", flat=True)
    )
    assert verified == {made_by_google.pk}
    assert password_only.pk not in verified


@pytest.mark.parametrize(
    ("header", "language", "greeting"),
    [("en-GB,en;q=0.9", "en", "Hello"), ("ru-RU", "ru", "Здравствуйте")],
)
def test_a_buyer_registering_from_a_browser_keeps_its_language_for_the_emails(
    django_capture_on_commit_callbacks, header, language, greeting
):
    user = register(django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE=header)

    assert user.language == language
    assert mail.outbox[0].body.startswith(greeting)
