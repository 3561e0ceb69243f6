import pytest
from django.core import mail
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.choices import ActivityType
from accounts.models import ActivityLog, User
from accounts.tests.emails import reset_link_values
from accounts.tests.factories import PASSWORD
from conftest import client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-sturdy-2027"


def login(api_client, user, password=PASSWORD):
    return api_client.post(reverse("auth-token"), {"email": user.email, "password": password})


def test_password_change_revokes_every_refresh_and_access_token(api_client, customer):
    sessions = [login(api_client, customer).json() for _ in range(2)]
    client = client_for(customer)

    response = client.post(
        reverse("auth-password-change"),
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    for tokens in sessions:
        refreshed = api_client.post(
            reverse("auth-token-refresh"), {"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {sessions[0]['access_token']}")
    assert api_client.get(reverse("users-me")).status_code == 401
    api_client.credentials()
    assert login(api_client, customer, NEW_PASSWORD).status_code == 200
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.PASSWORD_CHANGED).exists()


def test_password_change_with_a_wrong_old_password_changes_nothing(customer_client, customer):
    response = customer_client.post(
        reverse("auth-password-change"),
        {"old_password": "not-it", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_password"
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_change_applies_the_password_validators(customer_client, customer):
    response = customer_client.post(
        reverse("auth-password-change"), {"old_password": PASSWORD, "new_password": "password"}
    )

    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_reset_for_an_unknown_email_answers_202_and_sends_nothing(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(reverse("auth-password-reset"), {"email": "nobody@example.com"})

    assert response.status_code == 202
    assert mail.outbox == []


def test_password_reset_by_emailed_token(api_client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            reverse("auth-password-reset"), {"email": customer.email.upper()}
        )

    assert response.status_code == 202
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    values = reset_link_values(mail.outbox[0])

    confirm = api_client.post(
        reverse("auth-password-reset-confirm"), {**values, "new_password": NEW_PASSWORD}
    )

    assert confirm.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.PASSWORD_RESET).exists()
    # The token was bound to the old password: it cannot be used twice.
    replay = api_client.post(
        reverse("auth-password-reset-confirm"), {**values, "new_password": "Third-sturdy-2028"}
    )
    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "reset_token_invalid"


@pytest.mark.parametrize(
    "values",
    [
        {"uid": "bm9wZQ", "token": "abc-def"},
        {"uid": "!!!", "token": "abc-def"},
        {"uid": "", "token": ""},
    ],
)
def test_password_reset_with_a_bad_token_changes_nothing(api_client, customer, values):
    response = api_client.post(
        reverse("auth-password-reset-confirm"), {**values, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_reset_token_of_one_user_does_not_work_for_another(
    api_client, customer, django_capture_on_commit_callbacks
):
    other = User.objects.create_user("other@example.com", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email=customer.email)
    values = reset_link_values(mail.outbox[0])
    values["uid"] = urlsafe_base64_encode(str(other.pk).encode())

    response = api_client.post(
        reverse("auth-password-reset-confirm"), {**values, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.check_password(PASSWORD)
