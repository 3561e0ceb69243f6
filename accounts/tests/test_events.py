import pytest
from django.urls import reverse

from accounts.models import OutboxEvent

pytestmark = pytest.mark.django_db


def events_of(user_id) -> list[tuple[str, dict]]:
    rows = OutboxEvent.objects.filter(aggregate_id=str(user_id)).order_by("occurred_at")
    return [(row.type, row.payload) for row in rows]


def test_registration_emits_user_created(api_client):
    response = api_client.post(
        reverse("auth-register"),
        {"email": "new@example.com", "password": "Sturdy-pass-2026", "full_name": "New"},
        HTTP_X_REQUEST_ID="req-1",
    )

    emitted = dict(events_of(response.json()["id"]))
    payload = emitted.pop("user.created")
    # The account, for partners too, with no personal data (docs/events.md, "Personal data").
    assert set(payload) == {"id", "role", "is_active", "updated_at"}
    assert payload["role"] == "client"
    # the contact details for the project's own apps, internal
    contact = emitted.pop("user.contact_changed")
    assert (contact["email"], contact["full_name"]) == ("new@example.com", "New")
    # and the internal request for the e-mail that verifies the address
    assert emitted == {"user.email_verification_requested": {"id": response.json()["id"]}}
    assert {row.request_id for row in OutboxEvent.objects.all()} == {"req-1"}


def test_profile_and_role_changes_emit_user_updated(customer_client, admin_client, customer):
    customer_client.patch(reverse("users-me"), {"full_name": "Changed"})
    admin_client.patch(reverse("users-role", args=[customer.pk]), {"role": "manager"})

    emitted = events_of(customer.pk)
    assert [p["role"] for t, p in emitted if t == "user.updated"] == ["client", "manager"]
    contacts = [p["full_name"] for t, p in emitted if t == "user.contact_changed"]
    assert contacts == ["Changed", "Changed"]


def test_no_published_account_event_carries_personal_data_and_a_v1_one_arrives_without_it():
    from accounts.events import PERSONAL_FIELDS
    from common.events import contract, registry
    from common.events.types import Event

    for declared in contract.declared_events():
        if declared.type.startswith("user.") and not declared.internal:
            schema = contract.schema("accounts", declared.type, declared.schema_version)
            assert not set(PERSONAL_FIELDS) & set(schema["properties"]), declared.type
    v1 = {
        "id": "0b5c3f4e-4a6d-4a7e-9a54-6f2d1c3b9e11",
        "email": "anna@example.com",
        "full_name": "Анна Петрова",
        "phone": "+79161234567",
        "role": "client",
        "is_active": True,
        "updated_at": "2026-11-26T10:00:00+00:00",
    }
    stored = Event(
        id="e1", type="user.updated", aggregate_id=v1["id"], payload=v1, schema_version=1
    )

    upcast = registry.upcasted(stored)

    assert upcast.schema_version == 2
    assert upcast.payload == {
        "id": v1["id"],
        "role": "client",
        "is_active": True,
        "updated_at": v1["updated_at"],
    }


def test_deleting_a_user_emits_user_deleted(admin_client, customer):
    admin_client.delete(reverse("users-detail", args=[customer.pk]))

    assert events_of(customer.pk) == [("user.deleted", {"id": str(customer.pk)})]
