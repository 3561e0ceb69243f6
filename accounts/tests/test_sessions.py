"""Signing out everywhere ends the browser's sessions too: a session keeps a hash of its
user's password and token version, which Django checks at each request (docs/security.md,
"Tokens")."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.tests.factories import PASSWORD
from conftest import client_for

pytestmark = pytest.mark.django_db(databases="__all__")


def signed_in_browser(user) -> Client:
    browser = Client()
    response = browser.post(
        reverse("storefront:sign-in"), {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    assert browser.get(reverse("storefront:account")).status_code == 200
    return browser


def test_logging_out_everywhere_through_the_api_ends_the_browser_session(customer):
    browser = signed_in_browser(customer)
    session_key = browser.cookies["sessionid"].value
    assert Session.objects.filter(session_key=session_key).exists()

    assert client_for(customer).post(reverse("auth-logout-all")).status_code == 204
    page = browser.get(reverse("storefront:account"))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("storefront:sign-in"))
    # Django flushed the session whose hash no longer matched: the row is gone.
    assert not Session.objects.filter(session_key=session_key).exists()


def test_the_same_cookie_reaches_no_signed_in_page_after_any_revocation(customer):
    browser = signed_in_browser(customer)
    cookie = browser.cookies["sessionid"].value

    services.tokens_revoke_all(user=customer)
    replayed = Client()
    replayed.cookies["sessionid"] = cookie

    assert replayed.get(reverse("storefront:account")).status_code == 302
    assert replayed.get(reverse("storefront:orders")).status_code == 302


def test_a_session_survives_what_revokes_nothing(customer):
    browser = signed_in_browser(customer)

    services.user_profile_update(user=customer, full_name="Renamed")

    assert browser.get(reverse("storefront:account")).status_code == 200
