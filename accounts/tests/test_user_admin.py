"""Admins administer users over the API (docs/api.md, "Users"): they create an account of any
role, change its name, phone and e-mail, its role, and whether it is active; each act is an
event, and the acts that change what a token may do end the user's tokens."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.choices import MANAGERS_GROUP, ActivityType
from accounts.models import ActivityLog, OutboxEvent, User
from accounts.tests.emails import reset_link_values
from accounts.tests.factories import PASSWORD, UserFactory
from common.events import contract, registry
from conftest import client_for, run_concurrently

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Manager-sturdy-2027"


def payloads(user_id, type: str) -> list[dict]:
    rows = OutboxEvent.objects.filter(aggregate_id=str(user_id), type=type)
    return [row.payload for row in rows.order_by("occurred_at")]


def sign_in(api_client, email: str, password: str = PASSWORD):
    return api_client.post(reverse("auth-token"), {"email": email, "password": password})


def test_an_admin_creates_a_manager_who_sets_a_password_from_the_emailed_link_and_signs_in(
    admin_client, admin_user, api_client, django_capture_on_commit_callbacks
):
    # when an admin creates a manager
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("users-list"),
            {
                "email": "New.Manager@Example.COM",
                "full_name": "New Manager",
                "role": "manager",
                "whole_group": True,
            },
        )

    # then the account exists, with no password, a manager's staff flags and group
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body
    assert body["email"] == "new.manager@example.com" and body["role"] == "manager"
    manager = User.objects.get(pk=body["id"])
    assert not manager.has_usable_password()
    assert manager.is_staff and not manager.is_superuser and manager.is_active
    assert list(manager.groups.values_list("name", flat=True)) == [MANAGERS_GROUP]
    assert ActivityLog.objects.get(user=manager).details == {"by": str(admin_user.pk)}
    assert [p["role"] for p in payloads(manager.pk, "user.created")] == ["manager"]
    assert sign_in(api_client, manager.email, "Any-guess-2026").status_code == 401
    # and the e-mail that sets the password went to the new address
    assert [message.to for message in mail.outbox] == [[manager.email]]

    # when the manager follows its link and sets a password
    confirm = api_client.post(
        reverse("auth-password-reset-confirm"),
        {**reset_link_values(mail.outbox[0]), "new_password": NEW_PASSWORD},
    )

    # then they sign in with it, as a manager
    assert confirm.status_code == 204, confirm.content
    tokens = sign_in(api_client, "new.manager@example.com", NEW_PASSWORD)
    assert tokens.status_code == 200, tokens.content
    me = api_client.get(
        reverse("users-me"), HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}"
    )
    assert me.json()["role"] == "manager"


def test_an_admin_cannot_create_a_user_whose_email_another_account_has(admin_client, customer):
    response = admin_client.post(
        reverse("users-list"), {"email": customer.email.upper(), "role": "admin"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    assert User.objects.count() == 2  # the customer and the admin
    assert not OutboxEvent.objects.filter(type="user.created").exists()


def test_an_admin_changes_a_users_name_phone_and_email_at_once_and_their_tokens_end(
    admin_client, admin_user, api_client, customer
):
    # given a customer signed in, whose e-mail was verified
    User.objects.filter(pk=customer.pk).update(email_verified_at="2026-01-01T00:00:00Z")
    tokens = sign_in(api_client, customer.email).json()

    response = admin_client.patch(
        reverse("users-detail", args=[customer.pk]),
        {"full_name": "Renamed", "phone": "+79161234567", "email": " Renamed@Example.COM "},
    )

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.full_name, str(customer.phone), customer.email) == (
        "Renamed",
        "+79161234567",
        "renamed@example.com",
    )
    assert customer.email_verified_at is None  # the new mailbox is not proven yet
    assert response.json()["email_verified"] is False
    assert [p["email"] for p in payloads(customer.pk, "user.contact_changed")] == [
        "renamed@example.com"
    ]
    assert len(payloads(customer.pk, "user.updated")) == 1
    assert payloads(customer.pk, "user.email_verification_requested") == [{"id": str(customer.pk)}]
    profile = ActivityLog.objects.get(user=customer, type=ActivityType.PROFILE_UPDATED)
    assert profile.details == {"fields": ["email", "full_name", "phone"], "by": str(admin_user.pk)}
    # and the sessions opened under the old address end
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api_client.get(reverse("users-me")).status_code == 401
    api_client.credentials()
    refreshed = api_client.post(
        reverse("auth-token-refresh"), {"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert sign_in(api_client, "renamed@example.com").status_code == 200


def test_changing_only_the_name_leaves_the_users_tokens_and_verification_alone(
    admin_client, customer
):
    User.objects.filter(pk=customer.pk).update(email_verified_at="2026-01-01T00:00:00Z")
    customer_client = client_for(customer)

    response = admin_client.patch(
        reverse("users-detail", args=[customer.pk]),
        {"full_name": "Only the name", "email": customer.email.upper()},
    )

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.full_name == "Only the name" and customer.email_verified_at is not None
    assert customer_client.get(reverse("users-me")).status_code == 200
    assert not OutboxEvent.objects.filter(type="user.email_verification_requested").exists()


def test_an_admin_cannot_give_a_user_an_email_another_account_has(
    admin_client, customer, other_customer
):
    response = admin_client.patch(
        reverse("users-detail", args=[customer.pk]),
        {"email": other_customer.email.upper(), "full_name": "Not applied"},
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    unchanged = User.objects.get(pk=customer.pk)
    assert (unchanged.email, unchanged.full_name) == (customer.email, customer.full_name)
    assert not OutboxEvent.objects.filter(aggregate_id=str(customer.pk)).exists()


def test_a_role_change_publishes_user_role_changed_and_ends_the_users_tokens(
    admin_client, admin_user, customer
):
    customer_client = client_for(customer)

    response = admin_client.patch(reverse("users-role", args=[customer.pk]), {"role": "manager"})

    assert response.status_code == 200, response.content
    assert payloads(customer.pk, "user.role_changed") == [
        {
            "id": str(customer.pk),
            "role": "manager",
            "is_active": True,
            "changed_by": str(admin_user.pk),
            "from_role": "client",
            "to_role": "manager",
        }
    ]
    assert customer_client.get(reverse("users-me")).status_code == 401


def test_deactivation_publishes_user_deactivated_ends_the_tokens_and_activation_undoes_it(
    admin_client, admin_user, api_client, manager
):
    tokens = sign_in(api_client, manager.email).json()
    manager_client = client_for(manager)

    # when an admin deactivates the manager
    response = admin_client.post(reverse("users-deactivate", args=[manager.pk]))

    # then the account is inactive, its tokens end, and the event is in the outbox
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert User.objects.get(pk=manager.pk).is_active is False
    expected = {
        "id": str(manager.pk),
        "role": "manager",
        "is_active": False,
        "changed_by": str(admin_user.pk),
    }
    assert payloads(manager.pk, "user.deactivated") == [expected]
    assert manager_client.get(reverse("users-me")).status_code == 401
    refreshed = api_client.post(
        reverse("auth-token-refresh"), {"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert sign_in(api_client, manager.email).status_code == 401
    # and deactivating again changes nothing
    admin_client.post(reverse("users-deactivate", args=[manager.pk]))
    assert len(payloads(manager.pk, "user.deactivated")) == 1

    # when the admin activates the account again, the manager signs in again
    response = admin_client.post(reverse("users-activate", args=[manager.pk]))

    assert response.status_code == 200, response.content
    assert User.objects.get(pk=manager.pk).is_active is True
    assert payloads(manager.pk, "user.activated") == [{**expected, "is_active": True}]
    assert sign_in(api_client, manager.email).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_admins_deactivating_one_user_at_once_deactivate_it_once(admin_user, manager):
    admins = [admin_user, UserFactory(role="admin")] * 4

    responses = run_concurrently(
        8,
        lambda: client_for(admins.pop()).post(reverse("users-deactivate", args=[manager.pk])),
    )

    assert [response.status_code for response in responses] == [200] * 8
    assert User.objects.get(pk=manager.pk).is_active is False
    assert len(payloads(manager.pk, "user.deactivated")) == 1
    assert ActivityLog.objects.filter(user=manager, type=ActivityType.DEACTIVATED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_admins_changing_one_users_role_at_once_change_it_once(admin_user, customer):
    responses = run_concurrently(
        8,
        lambda: client_for(admin_user).patch(
            reverse("users-role", args=[customer.pk]), {"role": "manager"}, format="json"
        ),
    )

    assert [response.status_code for response in responses] == [200] * 8
    assert User.objects.get(pk=customer.pk).role == "manager"
    assert [p["from_role"] for p in payloads(customer.pk, "user.role_changed")] == ["client"]
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.ROLE_CHANGED).count() == 1


def test_an_admin_cannot_deactivate_themselves(admin_client, admin_user):
    response = admin_client.post(reverse("users-deactivate", args=[admin_user.pk]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cannot_deactivate_self"
    assert User.objects.get(pk=admin_user.pk).is_active is True
    assert not OutboxEvent.objects.filter(type="user.deactivated").exists()
    assert admin_client.get(reverse("users-me")).status_code == 200


@pytest.mark.parametrize("role", ["client", "manager"])
@pytest.mark.parametrize(
    ("method", "name", "body"),
    [
        ("post", "users-list", {"email": "made@example.com", "role": "admin"}),
        ("patch", "users-detail", {"email": "taken-over@example.com"}),
        ("post", "users-deactivate", {}),
        ("post", "users-activate", {}),
    ],
)
def test_managers_and_clients_cannot_administer_users(role, method, name, body):
    caller = UserFactory(role=role)
    target = UserFactory(role="client", is_active=name != "users-activate")
    args = [] if name == "users-list" else [target.pk]

    response = getattr(client_for(caller), method)(reverse(name, args=args), body, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    unchanged = User.objects.get(pk=target.pk)
    assert (unchanged.email, unchanged.is_active) == (target.email, target.is_active)
    assert not User.objects.filter(email="made@example.com").exists()
    assert not OutboxEvent.objects.exists()


def test_sign_ins_and_sign_outs_are_internal_events_beside_their_activity_rows(
    api_client, customer
):
    first = sign_in(api_client, customer.email, PASSWORD).json()
    second = sign_in(api_client, customer.email, PASSWORD).json()

    api_client.post(reverse("auth-logout"), {"refresh_token": first["refresh_token"]})
    client_for(customer).post(reverse("auth-logout-all"))

    logins = ActivityLog.objects.filter(user=customer, type=ActivityType.LOGIN)
    assert [p["family"] for p in payloads(customer.pk, "user.signed_in")] == [
        row.details["family"] for row in logins.order_by("created_at")
    ]
    assert payloads(customer.pk, "user.signed_in")[0] == {
        "id": str(customer.pk),
        "ip_address": "127.0.0.1",
        "family": logins.order_by("created_at")[0].details["family"],
    }
    assert payloads(customer.pk, "user.signed_out") == [
        {"id": str(customer.pk), "ip_address": "127.0.0.1", "everywhere": False},
        {"id": str(customer.pk), "ip_address": "127.0.0.1", "everywhere": True},
    ]
    assert ActivityLog.objects.filter(user=customer, type=ActivityType.LOGOUT).count() == 2
    assert second["refresh_token"]
    # Partners never see them: no webhook fan-out, no RabbitMQ, no AsyncAPI channel.
    published = {type for _, type, _ in contract.event_types()}
    assert {"user.signed_in", "user.signed_out"}.isdisjoint(published)
    assert {"user.role_changed", "user.deactivated", "user.activated"} <= published
    assert (
        registry.consumers_for("user.signed_in") == registry.consumers_for("user.signed_out") == []
    )
