import pytest
from django.urls import reverse

from accounts.choices import ActivityType, Role
from accounts.models import ActivityLog, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_me_shows_the_current_user(customer_client, customer):
    response = customer_client.get(reverse("users-me"))

    assert response.status_code == 200
    assert response.json()["id"] == str(customer.pk)
    assert response.json()["role"] == "client"


def test_me_update_changes_name_and_phone_and_refuses_role_and_changes_no_email_at_once(
    customer_client, customer
):
    # A new e-mail waits for its confirmation (accounts/tests/test_email_change.py).
    hijack = {"role": "admin", "is_staff": True, "email": "hijack@example.com"}

    refused = customer_client.patch(
        reverse("users-me"), {"full_name": "New Name", "phone": "+79031112233", **hijack}
    )
    response = customer_client.patch(
        reverse("users-me"), {"full_name": "New Name", "phone": "+79031112233"}
    )

    assert refused.status_code == 400
    assert sorted(refused.json()["error"]["details"]) == ["is_staff", "role"]
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.full_name == "New Name"
    assert str(customer.phone) == "+79031112233"
    assert (customer.role, customer.is_staff, customer.is_superuser) == ("client", False, False)
    assert customer.email != "hijack@example.com"
    activity = ActivityLog.objects.get(user=customer, type=ActivityType.PROFILE_UPDATED)
    assert activity.details == {"fields": ["full_name", "phone"]}


def test_me_update_rejects_an_invalid_phone(customer_client, customer):
    response = customer_client.patch(reverse("users-me"), {"phone": "call me"})

    assert response.status_code == 400
    assert "phone" in response.json()["error"]["details"]
    customer.refresh_from_db()
    assert str(customer.phone) == ""


@pytest.mark.parametrize("client_fixture", ["customer_client", "manager_client"])
def test_only_admins_list_users(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(reverse("users-list"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_admin_lists_users_with_search_and_filters(admin_client, admin_user):
    UserFactory(email="ivan.petrov@example.com", full_name="Ivan Petrov")
    UserFactory(email="olga@example.com", full_name="Olga", role=Role.MANAGER)
    UserFactory(email="inactive@example.com", is_active=False)

    everyone = admin_client.get(reverse("users-list")).json()
    by_search = admin_client.get(reverse("users-list"), {"search": "PETROV"}).json()
    managers = admin_client.get(reverse("users-list"), {"role": "manager"}).json()
    inactive = admin_client.get(reverse("users-list"), {"is_active": "false"}).json()

    assert everyone["count"] == 4
    assert [u["email"] for u in by_search["results"]] == ["ivan.petrov@example.com"]
    assert [u["email"] for u in managers["results"]] == ["olga@example.com"]
    assert [u["email"] for u in inactive["results"]] == ["inactive@example.com"]


def test_user_list_pages_are_capped_at_100(admin_client):
    User.objects.bulk_create([User(email=f"bulk{i}@example.com", password="!") for i in range(120)])

    response = admin_client.get(reverse("users-list"), {"page_size": 1000})

    body = response.json()
    assert body["count"] == 121
    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_admin_reads_and_deletes_a_user(admin_client, customer):
    url = reverse("users-detail", args=[customer.pk])

    assert admin_client.get(url).json()["email"] == customer.email
    assert admin_client.delete(url).status_code == 204
    assert not User.objects.filter(pk=customer.pk).exists()
    assert admin_client.get(url).status_code == 404


def test_admin_cannot_delete_themselves(admin_client, admin_user):
    response = admin_client.delete(reverse("users-detail", args=[admin_user.pk]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cannot_delete_self"
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_client_cannot_read_or_delete_another_user(customer_client, other_customer):
    url = reverse("users-detail", args=[other_customer.pk])

    assert customer_client.get(url).status_code == 403
    assert customer_client.delete(url).status_code == 403
    assert User.objects.filter(pk=other_customer.pk).exists()


@pytest.mark.parametrize(
    ("role", "is_staff", "is_superuser"),
    [("manager", True, False), ("admin", True, True), ("client", False, False)],
)
def test_role_change_sets_staff_flags(admin_client, admin_user, role, is_staff, is_superuser):
    user = UserFactory(role=Role.MANAGER if role == "client" else Role.CLIENT)

    response = admin_client.patch(reverse("users-role", args=[user.pk]), {"role": role})

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (role, is_staff, is_superuser)
    activity = ActivityLog.objects.get(user=user, type=ActivityType.ROLE_CHANGED)
    assert activity.details["to"] == role
    assert activity.details["by"] == str(admin_user.pk)


def test_role_change_rejects_unknown_roles_and_own_role(admin_client, admin_user, customer):
    unknown = admin_client.patch(reverse("users-role", args=[customer.pk]), {"role": "root"})
    own = admin_client.patch(reverse("users-role", args=[admin_user.pk]), {"role": "client"})

    assert unknown.status_code == 400
    assert "role" in unknown.json()["error"]["details"]
    assert own.status_code == 409
    assert own.json()["error"]["code"] == "cannot_change_own_role"
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_manager_cannot_change_roles(manager_client, customer):
    response = manager_client.patch(reverse("users-role", args=[customer.pk]), {"role": "admin"})

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.role == Role.CLIENT


def test_client_sees_own_activity_and_404_for_another_clients(
    customer_client, customer, other_customer
):
    ActivityLog.objects.create(user=customer, type=ActivityType.LOGIN)
    ActivityLog.objects.create(user=other_customer, type=ActivityType.LOGIN)

    own = customer_client.get(reverse("users-activity", args=[customer.pk]))
    other = customer_client.get(reverse("users-activity", args=[other_customer.pk]))

    assert own.status_code == 200
    assert [row["type"] for row in own.json()["results"]] == ["login"]
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_found"


def test_manager_gets_404_for_a_clients_activity(manager_client, customer):
    response = manager_client.get(reverse("users-activity", args=[customer.pk]))

    assert response.status_code == 404


def test_admin_reads_anyones_activity(admin_client, customer):
    ActivityLog.objects.create(user=customer, type=ActivityType.LOGIN)

    response = admin_client.get(reverse("users-activity", args=[customer.pk]))

    assert response.status_code == 200
    assert response.json()["count"] == 1
