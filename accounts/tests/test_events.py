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
    assert payload["email"] == "new@example.com" and payload["role"] == "client"
    # and the internal request for the e-mail that verifies the address
    assert emitted == {"user.email_verification_requested": {"id": response.json()["id"]}}
    assert {row.request_id for row in OutboxEvent.objects.all()} == {"req-1"}


def test_profile_and_role_changes_emit_user_updated(customer_client, admin_client, customer):
    customer_client.patch(reverse("users-me"), {"full_name": "Changed"})
    admin_client.patch(reverse("users-role", args=[customer.pk]), {"role": "manager"})

    updated = [(t, p) for t, p in events_of(customer.pk) if t == "user.updated"]
    assert [(t, p["full_name"], p["role"]) for t, p in updated] == [
        ("user.updated", "Changed", "client"),
        ("user.updated", "Changed", "manager"),
    ]


def test_deleting_a_user_emits_user_deleted(admin_client, customer):
    admin_client.delete(reverse("users-detail", args=[customer.pk]))

    assert events_of(customer.pk) == [("user.deleted", {"id": str(customer.pk)})]
