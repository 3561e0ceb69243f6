"""Changing the e-mail (docs/security.md, "Changing the e-mail"): `PATCH users/me` with a
new `email` e-mails a signed, expiring link to it and tells the current address; the change
happens when the link is opened, and ends every token of the user."""

import re
import threading

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ActivityLog, User
from accounts.services import email_change_token, email_verify_token
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import client_for, run_concurrently

pytestmark = pytest.mark.django_db(databases="__all__")

ME = "/api/v1/users/me"
TOKEN = "/api/v1/auth/token"
CONFIRM = "/api/v1/auth/email/change/confirm"


def change_token(message) -> str:
    found = re.search(r"change-email\?token=(\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


class SignedInClient(APIClient):
    """A client with a sign-in's access token in its credentials, and its refresh token."""

    refresh_token: str


def sign_in(login: str) -> SignedInClient | None:
    """A client with the tokens of a sign-in as `login`, or None if it was refused."""
    tokens = APIClient().post(TOKEN, {"email": login, "password": PASSWORD})
    if tokens.status_code != 200:
        assert tokens.status_code == 401, tokens.content
        return None
    api = SignedInClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    api.refresh_token = tokens.json()["refresh_token"]
    return api


def ask_for(django_capture_on_commit_callbacks, api, new_email, password=PASSWORD, **more):
    """Ask for the change with the current password, or (`password=None`) on the strength
    of a session that signed in with it just now."""
    given = {} if password is None else {"current_password": password}
    with django_capture_on_commit_callbacks(execute=True):
        return api.patch(ME, {"email": new_email, **given, **more}, format="json")


def test_the_email_changes_only_once_the_new_address_confirms(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="old@example.com", full_name="Anna")
    api = sign_in("old@example.com")

    # When the change is asked for
    asked = ask_for(django_capture_on_commit_callbacks, api, "New@Example.com", password=None)

    # Then nothing has changed yet: the old e-mail signs in, the new one does not
    assert asked.status_code == 200, asked.content
    assert asked.json()["email"] == "old@example.com"
    assert User.objects.get(pk=user.pk).email == "old@example.com"
    assert sign_in("old@example.com") is not None
    assert sign_in("new@example.com") is None
    assert api.get(ME).status_code == 200
    # The link went to the new address, and the old one was told
    confirm, notice = mail.outbox
    assert confirm.to == ["new@example.com"]
    assert notice.to == ["old@example.com"]
    assert "new@example.com" in notice.body
    assert "change-email?token=" not in notice.body
    assert "change-email?token=" not in notice.alternatives[0][0]
    mail.outbox.clear()

    # When the new address confirms
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = APIClient().post(CONFIRM, {"token": change_token(confirm)})

    # Then the account has the new e-mail, verified, and only the new one signs in
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["email"] == "new@example.com"
    assert confirmed.json()["email_verified"] is True
    changed = User.objects.get(pk=user.pk)
    assert (changed.email, changed.email_verified_at is not None) == ("new@example.com", True)
    assert sign_in("new@example.com") is not None
    assert sign_in("old@example.com") is None
    # The tokens of before are 401, the refresh token too
    assert api.get(ME).status_code == 401
    refreshed = APIClient().post("/api/v1/auth/token/refresh", {"refresh_token": api.refresh_token})
    assert refreshed.status_code == 401
    # The old address is told that it is no longer the account's
    (changed_notice,) = mail.outbox
    assert changed_notice.to == ["old@example.com"]
    assert user.activity.filter(type="email_change_requested").count() == 1
    assert user.activity.filter(type="email_changed").count() == 1


def test_the_link_changes_the_email_once(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "new@example.com")
    token = change_token(mail.outbox[0])

    first = APIClient().post(CONFIRM, {"token": token})
    version = User.objects.get(pk=user.pk).token_version
    second = APIClient().post(CONFIRM, {"token": token})

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "email_change_token_invalid"
    assert User.objects.get(pk=user.pk).token_version == version
    assert user.activity.filter(type="email_changed").count() == 1


def test_an_address_someone_has_is_answered_as_a_free_one_and_its_owner_is_told(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="taken@example.com", full_name="Owner")
    asker = UserFactory(email="asker@example.com", full_name="Anna", email_verified_at=None)
    control = UserFactory(email="control@example.com", full_name="Anna", email_verified_at=None)

    # When a fresh, unverified account asks for an address that has an account, and another
    # for one that has none
    taken = ask_for(
        django_capture_on_commit_callbacks, client_for(asker), "TAKEN@example.com", full_name="B"
    )
    taken_mail = list(mail.outbox)
    mail.outbox.clear()
    free = ask_for(
        django_capture_on_commit_callbacks, client_for(control), "free@example.com", full_name="B"
    )

    # Then both are answered alike: 200, the change waiting for the new address (each body
    # but for what is each account's own)
    own = ("id", "email", "created_at", "updated_at")
    assert (taken.status_code, free.status_code) == (200, 200), taken.content
    answers = [
        {key: value for key, value in response.json().items() if key not in own}
        for response in (taken, free)
    ]
    assert answers[0] == answers[1]
    assert (taken.json()["email"], free.json()["email"]) == (asker.email, control.email)
    # Each account keeps its e-mail; the other fields asked for change alike
    emails = dict(User.objects.values_list("pk", "email"))
    assert (emails[owner.pk], emails[asker.pk]) == ("taken@example.com", "asker@example.com")
    assert User.objects.get(pk=asker.pk).full_name == "B"
    assert asker.activity.filter(type="email_change_requested").count() == 1
    # The asker's mailbox hears the same in both cases; the taken address gets no link, only a
    # notice that nothing changed
    notice, told = sorted(taken_mail, key=lambda message: message.to)
    assert notice.to == ["asker@example.com"] and told.to == ["taken@example.com"]
    (control_notice,) = (m for m in mail.outbox if m.to == ["control@example.com"])
    assert notice.subject == control_notice.subject
    for text in (told.body, told.alternatives[0][0]):
        assert "token=" not in text
    assert "asker@example.com" not in told.body
    assert not owner.activity.exists()


def test_an_address_taken_before_the_confirmation_is_a_409_then(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "new@example.com")
    UserFactory(email="new@example.com")  # registered meanwhile

    response = APIClient().post(CONFIRM, {"token": change_token(mail.outbox[0])})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_signing_out_everywhere_ends_a_pending_change(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    api = client_for(user)
    ask_for(django_capture_on_commit_callbacks, api, "new@example.com")

    assert api.post("/api/v1/auth/logout-all").status_code == 204
    response = APIClient().post(CONFIRM, {"token": change_token(mail.outbox[0])})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_change_token_invalid"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_an_expired_or_forged_link_changes_nothing(settings, django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "new@example.com")
    settings.ACCOUNTS_EMAIL_VERIFY_HOURS = -1

    expired = APIClient().post(CONFIRM, {"token": change_token(mail.outbox[0])})
    forged = APIClient().post(CONFIRM, {"token": "garbage"})
    # An e-mail verification token is no change token (another salt).
    other_kind = APIClient().post(CONFIRM, {"token": email_verify_token(user=user)})

    for response in (expired, forged, other_kind):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "email_change_token_invalid"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_the_same_email_again_sends_nothing_and_other_fields_still_change(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="old@example.com")

    response = ask_for(
        django_capture_on_commit_callbacks, client_for(user), "OLD@example.com", full_name="Anna B"
    )

    assert response.status_code == 200
    assert mail.outbox == []
    assert User.objects.get(pk=user.pk).full_name == "Anna B"
    assert not user.activity.filter(type="email_change_requested").exists()


def test_the_change_page_changes_on_a_click_and_not_on_opening(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "new@example.com")
    token = change_token(mail.outbox[0])
    page = Client()

    opened = page.get("/change-email", {"token": token})
    assert opened.status_code == 200
    assert User.objects.get(pk=user.pk).email == "old@example.com"

    clicked = page.post("/change-email", {"token": token})
    assert clicked.status_code == 200
    assert b'id="done"' in clicked.content
    assert User.objects.get(pk=user.pk).email == "new@example.com"


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_of_two_accounts_confirming_one_new_address_at_once_exactly_one_gets_it():
    users = [UserFactory(), UserFactory()]
    tokens = iter([email_change_token(user=u, new_email="wanted@example.com") for u in users])
    lock = threading.Lock()

    def confirm():
        with lock:
            token = next(tokens)
        return APIClient().post(CONFIRM, {"token": token}).status_code

    statuses = run_concurrently(2, confirm)

    assert sorted(statuses) == [200, 409]
    assert User.objects.filter(email="wanted@example.com").count() == 1
    assert ActivityLog.objects.filter(type="email_changed").count() == 1


# THE OLD ADDRESS SAYS NO (docs/security.md, "Changing the e-mail")
# ------------------------------------------------------------------------------
def cancel_token(message) -> str:
    found = re.search(r"cancel-email-change\?token=(\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_the_old_address_undoes_a_change_already_made_and_signs_everyone_out(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "thief@example.com")
    (notice,) = [m for m in mail.outbox if m.to == ["old@example.com"]]
    (link,) = [m for m in mail.outbox if m.to == ["thief@example.com"]]
    assert APIClient().post(CONFIRM, {"token": change_token(link)}).status_code == 200
    assert User.objects.get(pk=user.pk).email == "thief@example.com"
    version = User.objects.get(pk=user.pk).token_version

    page = Client()
    opened = page.get("/cancel-email-change", {"token": cancel_token(notice)})
    assert User.objects.get(pk=user.pk).email == "thief@example.com"  # not on opening
    clicked = page.post("/cancel-email-change", {"token": cancel_token(notice)})

    assert (opened.status_code, clicked.status_code) == (200, 200)
    assert b'id="done"' in clicked.content
    back = User.objects.get(pk=user.pk)
    assert back.email == "old@example.com"
    assert back.token_version > version  # whoever changed it is signed out
    assert back.activity.filter(type="email_change_cancelled").count() == 1


def test_the_old_address_stops_a_change_still_waiting(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    ask_for(django_capture_on_commit_callbacks, client_for(user), "new@example.com")
    (notice,) = [m for m in mail.outbox if m.to == ["old@example.com"]]
    (link,) = [m for m in mail.outbox if m.to == ["new@example.com"]]

    Client().post("/cancel-email-change", {"token": cancel_token(notice)})
    confirmed = APIClient().post(CONFIRM, {"token": change_token(link)})

    assert confirmed.status_code == 400
    assert confirmed.json()["error"]["code"] == "email_change_token_invalid"
    assert User.objects.get(pk=user.pk).email == "old@example.com"


def test_a_forged_cancel_link_changes_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.com")
    version = user.token_version

    clicked = Client().post("/cancel-email-change", {"token": "forged"})

    assert clicked.status_code == 200
    assert b'id="done"' not in clicked.content
    assert User.objects.get(pk=user.pk).token_version == version
