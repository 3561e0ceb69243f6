from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.choices import MANAGERS_GROUP, Role
from accounts.models import User
from accounts.tests.factories import UserFactory
from common.registry import manager_app_labels

# What managers run in the admin, as the apps' AppConfigs declare it (`managers_may_use`).
MANAGER_APPS = (
    "catalog",
    "orders",
    "payments",
    "financing",
    "insurance",
    "showroom",
    "crm",
    "documents",
    "notifications",
    "tradein",
    "service",
)

pytestmark = pytest.mark.django_db(databases="__all__")


def group_permissions() -> set[str]:
    group = Group.objects.get(name=MANAGERS_GROUP)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def model_permissions(app_labels) -> set[str]:
    """The add/change/delete/view permissions Django creates for these apps' models."""
    return {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for app_label in app_labels
        for model in apps.get_app_config(app_label).get_models()
        for action in model._meta.default_permissions
    }


def is_manager(user) -> bool:
    return user.groups.filter(name=MANAGERS_GROUP).exists()


def test_managers_group_holds_exactly_the_permissions_of_the_apps_managers_run():
    permissions = group_permissions()

    assert permissions == model_permissions(MANAGER_APPS)
    assert {"catalog.change_product", "orders.change_order", "payments.add_refund"} <= permissions
    others = {"accounts", "auth", "admin", "sessions", "contenttypes", "token_blacklist"}
    assert not {name for name in permissions if name.split(".")[0] in others}


def test_migrating_brings_the_group_back_to_exactly_the_manager_apps_permissions():
    # Given a permission of a model added later, a stray one, and one taken away
    group = Group.objects.get(name=MANAGERS_GROUP)
    new_model = ContentType.objects.create(app_label="catalog", model="showroom")
    Permission.objects.create(content_type=new_model, codename="view_showroom", name="Can view")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="change_product"))

    call_command("migrate_all", verbosity=0, stdout=StringIO())

    permissions = group_permissions()
    assert permissions == model_permissions(MANAGER_APPS) | {"catalog.view_showroom"}
    assert "accounts.change_user" not in permissions


def test_the_group_is_recreated_with_its_members_when_it_was_deleted(manager, customer):
    Group.objects.filter(name=MANAGERS_GROUP).delete()

    call_command("migrate", database="default", verbosity=0, stdout=StringIO())

    assert group_permissions() == model_permissions(MANAGER_APPS)
    members = Group.objects.get(name=MANAGERS_GROUP).user_set.all()
    assert list(members) == [manager]


def test_membership_follows_role_changes():
    user = UserFactory(role=Role.CLIENT)
    admin = UserFactory(role=Role.ADMIN)
    assert not is_manager(user)

    services.user_role_set(actor=admin, user=user, role=Role.MANAGER)
    assert is_manager(User.objects.get(pk=user.pk))

    services.user_role_set(actor=admin, user=user, role=Role.ADMIN)
    user = User.objects.get(pk=user.pk)
    assert not is_manager(user)
    assert user.is_superuser

    services.user_role_set(actor=admin, user=user, role=Role.MANAGER)
    services.user_role_set(actor=admin, user=user, role=Role.CLIENT)
    assert not is_manager(User.objects.get(pk=user.pk))


def test_a_manager_made_at_the_command_line_is_in_the_group():
    call_command(
        "accounts_create_staff",
        email="max@example.com",
        role="manager",
        password="Sturdy-pass-2026",
        stdout=StringIO(),
    )

    user = User.objects.get(email="max@example.com")
    assert is_manager(user)
    assert user.has_perm("orders.change_order")
    assert not user.has_perm("accounts.view_user")


@pytest.mark.xdist_group("demo_data")
def test_demo_seed_puts_the_demo_managers_and_nobody_else_in_the_group(demo_data):
    members = Group.objects.get(name=MANAGERS_GROUP).user_set.values_list("email", flat=True)
    # The group's manager and each showroom's (demo/staff.py).
    assert sorted(members) == [
        "kosmonavtov@autosalon.local",
        "leningradka@autosalon.local",
        "manager@autosalon.local",
        "varshavka@autosalon.local",
    ]


def test_a_registered_user_is_in_no_group(api_client):
    response = api_client.post(
        reverse("auth-register"),
        {"email": "new@example.com", "password": "Sturdy-pass-2026"},
    )

    assert response.status_code == 201
    user = User.objects.get(email="new@example.com")
    assert user.role == Role.CLIENT
    assert not user.groups.exists()


def test_the_apps_managers_run_are_those_whose_app_config_says_so():
    assert sorted(manager_app_labels()) == sorted(MANAGER_APPS)
