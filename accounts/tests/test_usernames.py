"""Usernames (docs/security.md, "Usernames"): optional, unique, case-insensitive, stored in
one form; registration takes one, and sign-in takes an e-mail or a username in `email`,
`username` or the OAuth2 form's `username`."""

import threading

import pytest
from django.db import IntegrityError
from rest_framework.test import APIClient

from accounts.models import SignInFailure, User, username_normalize
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import client_for, run_concurrently

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
ME = "/api/v1/users/me"


def register(**body):
    return APIClient().post(
        REGISTER, {"email": "ivan@example.com", "password": PASSWORD, **body}, format="json"
    )


def me_with(tokens: dict) -> dict:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    response = api.get(ME)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_client_registers_with_a_username_and_signs_in_with_it_as_json_and_as_the_form():
    registered = register(username="Ivan.Petrov")
    assert registered.status_code == 201, registered.content
    assert registered.json()["username"] == "ivan.petrov"
    user = User.objects.get(email="ivan@example.com")
    assert user.username == "ivan.petrov"

    as_json = APIClient().post(
        TOKEN, {"username": "ivan.petrov", "password": PASSWORD}, format="json"
    )
    in_email_field = APIClient().post(
        TOKEN, {"email": "IVAN.PETROV", "password": PASSWORD}, format="json"
    )
    # The OAuth2 password grant, as a form: application/x-www-form-urlencoded.
    as_form = APIClient().post(
        TOKEN,
        data=f"grant_type=password&username=Ivan.Petrov&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    for response in (as_json, in_email_field, as_form):
        assert response.status_code == 200, response.content
        assert me_with(response.json())["id"] == str(user.pk)
    assert user.activity.filter(type="login").count() == 3


def test_the_form_still_signs_in_with_the_email_in_username():
    user = UserFactory(email="anna@example.com", username="anna")

    response = APIClient().post(
        TOKEN,
        data=f"grant_type=password&username=ANNA%40example.com&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    assert me_with(response.json())["email"] == user.email


def test_a_username_and_its_folded_spellings_are_one_name():
    # Full-width letters are ASCII after NFKC; case is folded.
    assert username_normalize("ＩＶＡＮ_1") == username_normalize("Ivan_1") == "ivan_1"
    UserFactory(username="Ivan_1")

    taken = register(username="ＩＶＡＮ_1")

    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "username_taken"
    assert not User.objects.filter(email="ivan@example.com").exists()


@pytest.mark.parametrize("username", ["ab", "a" * 31, "ivan petrov", "ivan@home", "ivan!"])
def test_a_username_of_the_wrong_shape_is_refused(username):
    response = register(username=username)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "username" in response.json()["error"]["details"]
    assert not User.objects.filter(email="ivan@example.com").exists()


def test_a_username_is_optional_and_many_accounts_have_none():
    first = register()
    second = APIClient().post(
        REGISTER, {"email": "maria@example.com", "password": PASSWORD}, format="json"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["username"] is None
    assert User.objects.filter(username__isnull=True).count() == 2


def test_the_database_refuses_a_second_account_with_a_username():
    UserFactory(username="ivan")

    with pytest.raises(IntegrityError):
        UserFactory(username="IVAN")


def test_a_wrong_password_for_a_username_counts_against_its_account_and_locks_it(settings):
    user = UserFactory(username="ivan")

    for _ in range(settings.LOCKOUT_ADDRESS_FAILURE_LIMIT):
        wrong = APIClient().post(TOKEN, {"username": "ivan", "password": "guess"}, format="json")
        assert wrong.status_code == 401
    # Locked for this address, whether it names the account by username or by e-mail.
    by_username = APIClient().post(TOKEN, {"username": "ivan", "password": PASSWORD})
    by_email = APIClient().post(TOKEN, {"email": user.email, "password": PASSWORD})

    assert SignInFailure.objects.filter(user=user).count() == settings.LOCKOUT_ADDRESS_FAILURE_LIMIT
    assert (by_username.status_code, by_email.status_code) == (401, 401)
    assert by_username.json()["error"]["code"] == "invalid_credentials"
    # Five wrong passwords and two refused while locked, each one noted.
    assert user.activity.filter(type="login_failed").count() == 7


def test_an_unknown_username_gets_the_wrong_password_answer():
    UserFactory(username="ivan")

    response = APIClient().post(TOKEN, {"username": "nobody", "password": PASSWORD})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert SignInFailure.objects.count() == 0


def test_users_me_shows_the_username_and_changes_it():
    user = UserFactory(username="ivan")
    api = client_for(user)

    shown = api.get(ME)
    changed = api.patch(ME, {"username": "Ivan.P"}, format="json")

    assert shown.json()["username"] == "ivan"
    assert (changed.status_code, changed.json()["username"]) == (200, "ivan.p")
    assert User.objects.get(pk=user.pk).username == "ivan.p"
    assert APIClient().post(TOKEN, {"username": "ivan.p", "password": PASSWORD}).status_code == 200
    assert APIClient().post(TOKEN, {"username": "ivan", "password": PASSWORD}).status_code == 401
    assert user.activity.filter(type="profile_updated", details__fields=["username"]).exists()


def test_users_me_removes_the_username_with_null():
    user = UserFactory(username="ivan")

    response = client_for(user).patch(ME, {"username": None}, format="json")

    assert (response.status_code, response.json()["username"]) == (200, None)
    assert User.objects.get(pk=user.pk).username is None


def test_another_users_username_is_a_409_and_changes_nothing():
    UserFactory(username="ivan")
    user = UserFactory(username="maria", full_name="Maria")

    response = client_for(user).patch(
        ME, {"username": "IVAN", "full_name": "Someone else"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"
    assert User.objects.filter(pk=user.pk).values_list("username", "full_name").get() == (
        "maria",
        "Maria",
    )


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_of_two_concurrent_claims_of_a_username_exactly_one_wins():
    clients = iter([client_for(UserFactory()), client_for(UserFactory())])
    lock = threading.Lock()

    def claim():
        with lock:
            api = next(clients)
        return api.patch(ME, {"username": "wanted"}, format="json").status_code

    statuses = run_concurrently(2, claim)

    assert sorted(statuses) == [200, 409]
    assert User.objects.filter(username="wanted").count() == 1


# NAMES THAT PASS FOR ANOTHER (accounts/usernames.py)
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["admin", "ADMIN", "r00t", "Supp0rt", "autosalon"])
def test_a_reserved_name_under_any_disguise_answers_as_a_taken_one(name):
    UserFactory(username="ivan")

    reserved = register(username=name)
    taken = APIClient().post(
        REGISTER,
        {"email": "other@example.com", "password": PASSWORD, "username": "Ivan"},
        format="json",
    )

    assert reserved.status_code == taken.status_code
    assert reserved.json()["error"] == {**taken.json()["error"]}
    assert not User.objects.filter(email="ivan@example.com").exists()


def test_a_name_that_looks_like_a_taken_one_is_taken():
    UserFactory(username="cope")

    cyrillic = register(username="\u0441\u043e\u0440\u0435")  # соре, all Cyrillic

    assert cyrillic.status_code == 409
    assert cyrillic.json()["error"]["code"] == "username_taken"
    assert User.objects.get(username="cope").username_skeleton == "cope"


@pytest.mark.parametrize("name", ["\u0456van", "\u0430dmin"])  # a Cyrillic і, а among Latin
def test_a_name_that_mixes_scripts_is_refused(name):
    mixed = register(username=name)

    assert mixed.status_code == 400
    assert "username" in mixed.json()["error"]["details"]
    assert not User.objects.filter(email="ivan@example.com").exists()
    assert register(username="иван_99").status_code == 201  # one script, and digits
