"""Sign-up and password reset answer no sooner than ACCOUNTS_ANSWER_AFTER_SECONDS after the
request, for an address with an account and one without, in the API and on the storefront,
an error too: their time tells nobody who has an account (docs/security.md, "Account
enumeration"; bench/auth_timing.py measures the two kinds' medians against the 2 ms allowed).

A floor is a lower bound, which a loaded machine never breaks: each answer is asserted to
have taken at least it, never at most anything but a bound far above it."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts import selectors as accounts
from accounts.tests.factories import UserFactory
from storefront.tests.test_buying import sign_up_form

pytestmark = pytest.mark.django_db(databases="__all__")

FLOOR = 0.3
BODY = {"password": "Sturdy-pass-2026", "full_name": "Probe"}


@pytest.fixture(autouse=True)
def floor(settings):
    settings.ACCOUNTS_ANSWER_AFTER_SECONDS = FLOOR


@pytest.fixture
def owner():
    return UserFactory(email="owner@example.com")


def _timed(post, *args, **kwargs):
    started = time.monotonic()
    response = post(*args, **kwargs)
    return time.monotonic() - started, response


def test_the_api_answers_a_sign_up_and_a_reset_after_the_floor_whoever_has_the_address(
    api_client, owner
):
    register, reset = reverse("auth-register"), reverse("auth-password-reset")
    answers = {
        "new": _timed(api_client.post, register, {**BODY, "email": "new@example.com"}),
        "taken": _timed(api_client.post, register, {**BODY, "email": owner.email}),
        "weak password": _timed(
            api_client.post, register, {**BODY, "email": "x@example.com", "password": "1"}
        ),
        "known": _timed(api_client.post, reset, {"email": owner.email}),
        "unknown": _timed(api_client.post, reset, {"email": "nobody@example.com"}),
    }

    statuses = {kind: response.status_code for kind, (_, response) in answers.items()}
    assert statuses == {
        "new": 201,
        "taken": 201,
        "weak password": 400,
        "known": 202,
        "unknown": 202,
    }
    assert {kind: took >= FLOOR for kind, (took, _) in answers.items()} == dict.fromkeys(
        answers, True
    )
    # The work was done underneath: one new account, none for the refused one.
    assert accounts.user_get_by_email(email="new@example.com") is not None
    assert accounts.user_get_by_email(email="x@example.com") is None


def test_the_storefront_holds_the_forms_posts_and_shows_the_forms_at_once(owner, settings):
    client = Client(REMOTE_ADDR="198.51.100.9")
    sign_up, forgotten = reverse("storefront:sign-up"), reverse("storefront:password-forgotten")

    answers = {
        "new": _timed(client.post, sign_up, sign_up_form(email="anna@example.com")),
        "taken": _timed(client.post, sign_up, sign_up_form(email=owner.email)),
        "known": _timed(client.post, forgotten, {"email": owner.email}),
        "unknown": _timed(client.post, forgotten, {"email": "nobody@example.com"}),
    }

    assert {kind: r.status_code for kind, (_, r) in answers.items()} == {
        "new": 302,
        "taken": 302,
        "known": 200,
        "unknown": 200,
    }
    assert all(took >= FLOOR for took, _ in answers.values())
    assert accounts.user_get_by_email(email="anna@example.com") is not None
    assert accounts.user_get_by_email(email=owner.email).pk == owner.pk
    # Showing the form looks nothing up: not held, even under a floor of a minute.
    settings.ACCOUNTS_ANSWER_AFTER_SECONDS = 60
    took, response = _timed(client.get, sign_up)
    assert response.status_code == 200 and took < 30
