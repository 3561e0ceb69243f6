"""Google sign-in on the website (docs/storefront.md, "Signing in"), against the local OpenID
provider standing in for Google (tests/oidc_provider.py): the account's consent is asked
before the browser leaves, the flow is bound to the browser's session, and it ends in a
session, never in tokens."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts import selectors as accounts
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

START = reverse("storefront:google")
CALLBACK = reverse("storefront:google-callback")


def to_google(browser: Client, **extra) -> object:
    return browser.post(START, {"google-consent": "on", "next": "/account/orders/", **extra})


def signed_in_page(browser: Client) -> int:
    return browser.get(reverse("storefront:account")).status_code


def test_a_new_buyer_signs_up_with_google_into_a_session_with_the_consent_recorded(
    oidc_provider,
):
    browser = Client()
    leaving = to_google(browser)
    assert leaving.status_code == 302
    assert leaving["Location"].startswith(f"{oidc_provider.issuer}/authorize?")
    back = oidc_provider.sign_in(leaving["Location"])
    asked = oidc_provider.authorization_requests[-1]
    assert urlsplit(asked["redirect_uri"]).path == CALLBACK

    arrived = browser.get(CALLBACK, back)

    assert arrived["Location"] == "/account/orders/"
    assert signed_in_page(browser) == 200
    user = accounts.user_get_by_email(email="anna.petrova@gmail.example")
    (consent,) = accounts.consent_list(user=user)
    assert (consent.purpose, consent.withdrawn_at) == ("account", None)
    (login,) = (
        row for row in accounts.activity_list(actor=user, user_id=user.pk) if row.type == "login"
    )
    assert login.details["via"] == "google"
    assert "access_token" not in arrived.content.decode()


def test_a_returning_google_buyer_gives_no_second_consent(oidc_provider):
    for _ in range(2):
        browser = Client()
        back = oidc_provider.sign_in(to_google(browser)["Location"])
        assert browser.get(CALLBACK, back).status_code == 302

    user = accounts.user_get_by_email(email="anna.petrova@gmail.example")
    assert accounts.consent_list(user=user).count() == 1


def test_without_the_consent_the_browser_does_not_leave(oidc_provider):
    response = Client().post(START, {"next": "/"})

    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert oidc_provider.authorization_requests == []


def test_a_callback_in_another_browser_signs_nobody_in(oidc_provider):
    back = oidc_provider.sign_in(to_google(Client())["Location"])
    stranger = Client()

    response = stranger.get(CALLBACK, back)

    assert response.status_code == 400
    assert "notice-error" in response.content.decode()
    assert accounts.user_get_by_email(email="anna.petrova@gmail.example") is None
    assert signed_in_page(stranger) == 302


def test_google_refusing_signs_nobody_in(oidc_provider):
    browser = Client()
    to_google(browser)

    response = browser.get(CALLBACK, {"error": "access_denied"})

    assert response.status_code == 400
    assert signed_in_page(browser) == 302


def test_an_email_with_a_password_account_waits_for_its_owners_link(oidc_provider):
    UserFactory(email="anna.petrova@gmail.example")
    browser = Client()
    back = oidc_provider.sign_in(to_google(browser)["Location"])

    response = browser.get(CALLBACK, back)

    assert response.status_code == 200
    assert "anna.petrova@gmail.example" in response.content.decode()
    assert signed_in_page(browser) == 302
    assert not accounts.identity_cards(
        user_id=accounts.user_get_by_email(email="anna.petrova@gmail.example").pk
    )


def test_the_button_shows_only_where_google_is_set_up(settings):
    settings.GOOGLE_CLIENT_ID = ""
    assert (
        reverse("storefront:google")
        not in Client().get(reverse("storefront:sign-in")).content.decode()
    )
    settings.GOOGLE_CLIENT_ID = "configured"
    assert (
        reverse("storefront:google") in Client().get(reverse("storefront:sign-in")).content.decode()
    )
