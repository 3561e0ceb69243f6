import pytest
from django.core import mail
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.choices import ActivityType, Role
from accounts.models import ActivityLog, OutboxEvent, User

pytestmark = pytest.mark.django_db

URL = reverse("auth-register")
VALID = {"email": "Buyer@Example.com", "password": "Sturdy-pass-2026", "full_name": "Pyotr Buyer"}


def test_registration_creates_a_client(api_client):
    response = api_client.post(URL, {**VALID, "phone": "+7 916 123-45-67"})

    assert response.status_code == 201, response.json()
    user = User.objects.get()
    assert response.json()["id"] == str(user.pk)
    assert user.email == "buyer@example.com"
    assert str(user.phone) == "+79161234567"
    assert user.role == Role.CLIENT
    assert user.check_password(VALID["password"])
    assert ActivityLog.objects.filter(user=user, type=ActivityType.REGISTERED).count() == 1
    assert "password" not in response.json()


def test_registering_with_admin_role_and_staff_flags_is_refused_naming_each(api_client):
    response = api_client.post(
        URL, {**VALID, "role": "admin", "is_staff": True, "is_superuser": True, "id": "x"}
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert sorted(error["details"]) == ["id", "is_staff", "is_superuser", "role"]
    assert User.objects.count() == 0


def test_a_misspelt_field_is_named_rather_than_dropped(api_client):
    response = api_client.post(URL, {**VALID, "ful_name": "Pyotr"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "ful_name": ["Unknown field: it is not part of this request."]
    }
    assert User.objects.count() == 0


def test_name_is_an_alias_of_full_name(api_client):
    body = {key: value for key, value in VALID.items() if key != "full_name"}

    response = api_client.post(URL, {**body, "name": "Anna Karpova"})
    conflicting = api_client.post(
        URL, {**body, "email": "other@example.com", "name": "A", "full_name": "B"}
    )

    assert response.status_code == 201
    assert response.json()["full_name"] == "Anna Karpova"
    assert User.objects.get().full_name == "Anna Karpova"
    assert conflicting.status_code == 400
    assert "name" in conflicting.json()["error"]["details"]


def test_the_schema_documents_the_name_alias(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    fields = schema["components"]["schemas"]["UserRegisterInputRequest"]["properties"]

    assert "Alias of `full_name`" in fields["name"]["description"]


def test_email_is_unique_case_insensitively(api_client):
    api_client.post(URL, VALID)

    response = api_client.post(URL, {**VALID, "email": "BUYER@example.COM"})

    assert response.status_code == 201
    assert User.objects.count() == 1


@pytest.mark.django_db(databases="__all__")
def test_a_taken_email_is_answered_as_a_new_one_and_its_owner_is_told(
    api_client, django_capture_on_commit_callbacks
):
    owner = api_client.post(URL, VALID).json()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        taken = api_client.post(URL, {**VALID, "email": "BUYER@example.COM", "full_name": "X"})
    with django_capture_on_commit_callbacks(execute=True):
        new = api_client.post(URL, {**VALID, "email": "new@example.com", "full_name": "X"})

    assert taken.status_code == new.status_code == 201
    assert set(taken.json()) == set(new.json())
    shape = {
        k: v
        for k, v in taken.json().items()
        if k not in ("id", "email", "created_at", "updated_at")
    }
    assert shape == {
        k: v for k, v in new.json().items() if k not in ("id", "email", "created_at", "updated_at")
    }
    assert taken.json()["id"] != owner["id"]
    assert not User.objects.filter(pk=taken.json()["id"]).exists()
    user = User.objects.get(email="buyer@example.com")
    assert user.full_name == VALID["full_name"] and user.check_password(VALID["password"])
    told = [m for m in mail.outbox if m.to == ["buyer@example.com"]]
    assert len(told) == 1 and "/account/password/" in told[0].body
    assert "sign-in" in told[0].body
    assert (
        ActivityLog.objects.filter(user=user, type=ActivityType.REGISTRATION_ATTEMPTED).count() == 1
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VALID, "password": "12345678"}, "password"),
        ({**VALID, "password": "buyer@example.com"}, "password"),
        ({**VALID, "email": "not-an-email"}, "email"),
        ({**VALID, "email": "a" * 300 + "@example.com"}, "email"),
        ({**VALID, "phone": "12"}, "phone"),
        ({**VALID, "full_name": "x" * 5000}, "full_name"),
        ({**VALID, "email": ["buyer@example.com"]}, "email"),
        ({"password": "Sturdy-pass-2026"}, "email"),
        ({"email": "buyer@example.com"}, "password"),
    ],
)
def test_invalid_registration_is_rejected_field_by_field_and_saves_nothing(api_client, body, field):
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]
    assert User.objects.count() == 0


@pytest.mark.django_db(databases="__all__")
def test_a_new_and_a_taken_email_make_the_same_round_trips(settings):
    """The request's work does not tell the two apart (docs/security.md, "Account
    enumeration"): the owner looked up, then one transaction of one round trip each; the new
    account, its activity and its three events in it, the attempt's activity and event in
    the other's."""
    settings.EVENTS_PUBLISH_ON_COMMIT = False  # as the relay publishes in production
    services.user_register(email="owner@example.com", password=VALID["password"])

    def round_trips(email: str) -> list[str]:
        with CaptureQueriesContext(connections["default"]) as queries:
            services.user_register(email=email, password=VALID["password"], full_name="X")
        statements = [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]
        return [verb for verb in statements if verb not in ("SAVEPOINT", "RELEASE")]

    taken = round_trips("owner@example.com")
    new = round_trips("new@example.com")

    assert new == taken == ["SELECT", "INSERT"]
    user = User.objects.get(email="new@example.com")
    assert ActivityLog.objects.filter(user=user, type=ActivityType.REGISTERED).count() == 1
    stored = OutboxEvent.objects.filter(aggregate_id=str(user.pk)).values_list("type", flat=True)
    assert sorted(stored) == [
        "user.contact_changed",
        "user.created",
        "user.email_verification_requested",
    ]
    contact = OutboxEvent.objects.get(aggregate_id=str(user.pk), type="user.contact_changed")
    assert contact.payload["updated_at"] == user.updated_at.isoformat()
    assert user.created_at == user.updated_at
