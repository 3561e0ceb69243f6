"""The lockout (accounts/lockout.py) and the one form of e-mails it keys on
(docs/security.md, "Lockout" and "E-mail addresses")."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import ActivityType
from accounts.models import ActivityLog, SignInFailure, User
from accounts.tests.emails import reset_link_values
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import run_concurrently

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-pass-2027"
WRONG_PASSWORD_ANSWER = (
    401,
    {
        "success": False,
        "error": {"code": "invalid_credentials", "message": "E-mail or password is wrong."},
    },
)


def sign_in(email, password, ip):
    return APIClient().post(
        reverse("auth-token"), {"email": email, "password": password}, REMOTE_ADDR=ip
    )


def answer(response):
    body = response.json()
    body["error"].pop("request_id", None)
    body["error"].pop("details", None)
    return response.status_code, body


def fail_from(email, addresses, times=5):
    for ip in addresses:
        for _ in range(times):
            assert sign_in(email, "guess", ip).status_code == 401


def addresses(count, start=1):
    return [f"198.51.100.{n}" for n in range(start, start + count)]


def test_a_wrong_password_gets_the_answer_the_lockout_also_gives():
    user = UserFactory(email="anna@example.com")

    response = sign_in("anna@example.com", "guess", "192.0.2.1")

    assert answer(response) == WRONG_PASSWORD_ANSWER
    assert SignInFailure.objects.filter(user=user, ip_address="192.0.2.1").count() == 1


def test_the_sixth_attempt_from_one_address_is_refused_while_a_second_address_signs_in():
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", ["198.51.100.1"])

    same_address = sign_in("victim@example.com", PASSWORD, "198.51.100.1")
    other_address = sign_in("victim@example.com", PASSWORD, "192.0.2.7")

    assert answer(same_address) == WRONG_PASSWORD_ANSWER
    assert other_address.status_code == 200 and other_address.json()["access_token"]
    logins = ActivityLog.objects.filter(user=user, type=ActivityType.LOGIN)
    assert list(logins.values_list("ip_address", flat=True)) == ["192.0.2.7"]
    # The refused attempt was not a guess: it is not counted; the first address's five stay.
    assert SignInFailure.objects.filter(user=user, ip_address="198.51.100.1").count() == 5
    assert SignInFailure.objects.filter(user=user).count() == 5


def test_an_address_is_refused_only_for_the_cool_off_and_a_sign_in_clears_its_failures(
    settings,
):
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", ["198.51.100.1"])
    assert sign_in("victim@example.com", PASSWORD, "198.51.100.1").status_code == 401

    earlier = timezone.now() - settings.LOCKOUT_COOLOFF - timedelta(seconds=1)
    SignInFailure.objects.filter(user=user).update(created_at=earlier)
    response = sign_in("victim@example.com", PASSWORD, "198.51.100.1")

    assert response.status_code == 200
    assert not SignInFailure.objects.filter(user=user).exists()


def test_sixty_failures_from_twelve_addresses_lock_the_account_everywhere():
    user = UserFactory(email="victim@example.com")

    fail_from("victim@example.com", addresses(12))
    fresh = sign_in("victim@example.com", PASSWORD, "192.0.2.50")

    assert answer(fresh) == WRONG_PASSWORD_ANSWER
    assert not ActivityLog.objects.filter(user=user, type=ActivityType.LOGIN).exists()
    # Ten addresses' five reached the limit; what came after was refused without counting.
    assert SignInFailure.objects.filter(user=user).count() == 50
    assert SignInFailure.objects.filter(user=user, ip_address="198.51.100.11").count() == 0


def test_forty_nine_failures_leave_the_right_password_signing_in_from_a_fresh_address():
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", addresses(9))
    fail_from("victim@example.com", ["198.51.100.10"], times=4)

    response = sign_in("victim@example.com", PASSWORD, "192.0.2.50")

    assert response.status_code == 200
    assert SignInFailure.objects.filter(user=user).count() == 49


def test_a_password_reset_from_the_mailbox_unlocks_a_locked_account(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", addresses(10))
    assert sign_in("victim@example.com", PASSWORD, "192.0.2.50").status_code == 401
    api = APIClient()

    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("auth-password-reset"), {"email": "VICTIM@example.com"})
    confirmed = api.post(
        reverse("auth-password-reset-confirm"),
        {**reset_link_values(mail.outbox[-1]), "new_password": NEW_PASSWORD},
    )

    assert confirmed.status_code == 204
    assert mail.outbox[-1].to == ["victim@example.com"]
    assert not SignInFailure.objects.filter(user=user).exists()
    assert sign_in("victim@example.com", NEW_PASSWORD, "198.51.100.1").status_code == 200


def test_accounts_unlock_unlocks_a_locked_account_by_any_spelling_of_its_email(capsys):
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", addresses(10))
    assert sign_in("victim@example.com", PASSWORD, "192.0.2.50").status_code == 401

    call_command("accounts_unlock", "Victim@EXAMPLE.com")

    assert (
        "victim@example.com is unlocked (50 failed sign-ins forgotten)" in capsys.readouterr().out
    )
    assert not SignInFailure.objects.filter(user=user).exists()
    assert sign_in("victim@example.com", PASSWORD, "192.0.2.50").status_code == 200


def test_accounts_unlock_names_an_email_no_account_has():
    with pytest.raises(CommandError, match=r"No account has the e-mail ghost@example\.com"):
        call_command("accounts_unlock", "ghost@example.com")


def test_the_long_s_dotless_i_and_upper_case_spellings_share_the_accounts_failures():
    user = UserFactory(email="sis.victim@example.com")
    spellings = [
        "ſis.victim@example.com",  # U+017F, NFKC makes it s
        "s\u0131s.victim@example.com",  # U+0131, which PostgreSQL upper-cases to I
        "S\u0130S.victim@example.com",  # U+0130
        "SIS.VICTIM@EXAMPLE.COM",
        "sis.victim@example.com",
    ]

    for spelling in spellings:
        assert answer(sign_in(spelling, "guess", "198.51.100.1")) == WRONG_PASSWORD_ANSWER
    refused = [sign_in(spelling, PASSWORD, "198.51.100.1") for spelling in spellings]
    elsewhere = sign_in("s\u0131s.victim@example.com", PASSWORD, "192.0.2.7")

    assert SignInFailure.objects.filter(user=user, ip_address="198.51.100.1").count() == 5
    assert [answer(response) for response in refused] == [WRONG_PASSWORD_ANSWER] * 5
    assert elsewhere.status_code == 200  # the spelling that signs in is the account's


def test_a_spelling_that_is_not_the_accounts_email_neither_signs_in_nor_counts():
    user = UserFactory(email="sis.victim@example.com")

    response = sign_in("\u0161is.victim@example.com", PASSWORD, "198.51.100.1")  # š

    assert answer(response) == WRONG_PASSWORD_ANSWER
    assert not SignInFailure.objects.filter(user=user).exists()
    assert not ActivityLog.objects.filter(user=user).exclude(type=ActivityType.REGISTERED).exists()


def test_a_lockout_says_nothing_about_whether_the_account_exists():
    UserFactory(email="real@example.com")
    fail_from("real@example.com", addresses(10))
    fail_from("ghost@example.com", addresses(10))

    real = sign_in("real@example.com", PASSWORD, "192.0.2.1")
    ghost = sign_in("ghost@example.com", PASSWORD, "192.0.2.1")

    assert answer(real) == answer(ghost) == WRONG_PASSWORD_ANSWER


def test_the_admin_login_counts_and_refuses_with_the_api(manager):
    for _ in range(3):
        sign_in(manager.email, "guess", "198.51.100.1")
    browser = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(2):
        browser.post("/admin/login/", {"username": manager.email, "password": "guess"})

    refused = browser.post(
        "/admin/login/?next=/admin/", {"username": manager.email, "password": PASSWORD}
    )
    elsewhere = Client(REMOTE_ADDR="192.0.2.7").post(
        "/admin/login/?next=/admin/", {"username": manager.email.upper(), "password": PASSWORD}
    )

    assert SignInFailure.objects.filter(user=manager, ip_address="198.51.100.1").count() == 5
    assert refused.status_code == 200  # the form again, as for a wrong password
    assert "Please enter the correct e-mail" in refused.content.decode()
    assert "_auth_user_id" not in browser.session
    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/admin/"


def test_the_admin_login_page_tells_staff_how_to_unlock_an_account():
    page = Client().get("/admin/login/")

    assert page.status_code == 200
    assert "manage.py accounts_unlock EMAIL" in page.content.decode()


def test_staff_see_an_accounts_failures_in_the_admin_and_deleting_them_unlocks_it(admin_user):
    user = UserFactory(email="victim@example.com")
    fail_from("victim@example.com", addresses(10))
    staff = Client()
    staff.force_login(admin_user)

    listing = staff.get(reverse("admin:accounts_signinfailure_changelist"))
    deleted = staff.post(
        reverse("admin:accounts_signinfailure_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [
                str(pk) for pk in user.sign_in_failures.values_list("pk", flat=True)
            ],
        },
    )

    assert listing.status_code == 200 and "198.51.100.10" in listing.content.decode()
    assert deleted.status_code == 302
    assert not SignInFailure.objects.filter(user=user).exists()
    assert sign_in("victim@example.com", PASSWORD, "192.0.2.50").status_code == 200


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_concurrent_guesses_from_one_address_count_to_the_limit_and_no_further():
    user = UserFactory(email="victim@example.com")

    statuses = run_concurrently(
        20, lambda: sign_in("victim@example.com", "guess", "198.51.100.1").status_code
    )

    assert statuses == [401] * 20
    assert SignInFailure.objects.filter(user=user).count() == 5


# E-MAILS
# ------------------------------------------------------------------------------
def test_registration_stores_the_normalised_email_and_refuses_its_look_alikes():
    api = APIClient()
    body = {"password": PASSWORD, "full_name": "Anna"}

    first = api.post(reverse("auth-register"), {**body, "email": "ANNA.Sis@Example.com"})
    lookalike = api.post(reverse("auth-register"), {**body, "email": "anna.ſis@example.com"})

    assert first.status_code == 201, first.json()
    assert list(User.objects.values_list("email", flat=True)) == ["anna.sis@example.com"]
    # Answered as a new account would be (docs/security.md, "Account enumeration"), and
    # none is made.
    assert lookalike.status_code == 201
    assert User.objects.count() == 1


def _migration():
    return importlib.import_module("accounts.migrations.0011_email_normalized_sign_in_failures")


def test_the_migration_normalises_stored_emails():
    user = UserFactory(email="bob@example.com")
    User.objects.filter(pk=user.pk).update(email="Bob@EXAMPLE.com")  # as stored before

    _migration().emails_normalize(
        apps, SimpleNamespace(connection=SimpleNamespace(alias="default"))
    )

    user.refresh_from_db()
    assert user.email == "bob@example.com"


def test_the_migration_lists_accounts_whose_emails_collide_and_changes_nothing():
    first = UserFactory(email="sanna@example.com")
    second = UserFactory(email="other@example.com")
    User.objects.filter(pk=second.pk).update(email="ſanna@example.com")  # as stored before
    third = UserFactory(email="carl@example.com")
    User.objects.filter(pk=third.pk).update(email="Carl@example.com")

    with pytest.raises(RuntimeError) as raised:
        _migration().emails_normalize(
            apps, SimpleNamespace(connection=SimpleNamespace(alias="default"))
        )

    assert f"sanna@example.com (id {first.pk})" in str(raised.value)
    assert f"ſanna@example.com (id {second.pk})" in str(raised.value)
    assert "carl" not in str(raised.value)
    assert User.objects.get(pk=third.pk).email == "Carl@example.com"
