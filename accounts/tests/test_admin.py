import pytest
from django.test import Client
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.choices import ActivityType
from accounts.models import ActivityLog, OutboxEvent, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import RefreshToken
from conftest import browser_for

pytestmark = pytest.mark.django_db(databases="__all__")


def user_form(user, **changes) -> dict:
    data = {"email": user.email, "full_name": user.full_name, "phone": "", "is_active": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_manager_logs_into_the_admin_and_sees_only_the_apps_they_run(manager):
    browser = Client()

    login = browser.post(reverse("admin:login"), {"username": manager.email, "password": PASSWORD})
    index = browser.get(reverse("admin:index"))

    assert login.status_code == 302
    assert index.status_code == 200
    sections = index.context["app_list"]  # grouped by the day's work (common/admin/site.py)
    apps = {model["model"]._meta.app_label for section in sections for model in section["models"]}
    assert sorted(apps) == [
        "catalog",
        "crm",
        "documents",
        "financing",
        "insurance",
        "notifications",
        "orders",
        "payments",
        "service",
        "showroom",
        "tradein",
    ]
    assert [str(section["name"]) for section in sections] == [
        "Sales",
        "Payments",
        "Finance and insurance",
        "Showroom",
        "Customers",
    ]
    assert b"/admin/accounts/" not in index.content


@pytest.mark.parametrize(
    "page",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_activitylog_changelist",
        "admin:auth_group_changelist",
        "admin:token_blacklist_outstandingtoken_changelist",
    ],
)
def test_a_manager_has_no_access_to_users_or_auth(manager, page):
    response = browser_for(manager).get(reverse(page))

    assert response.status_code == 403


def test_a_manager_cannot_open_the_accounts_app(manager):
    response = browser_for(manager).get(reverse("admin:app_list", args=["accounts"]))

    assert response.status_code == 404
    assert not User.objects.get(pk=manager.pk).has_module_perms("accounts")


def test_a_client_cannot_log_into_the_admin(customer):
    browser = Client()

    browser.post(reverse("admin:login"), {"username": customer.email, "password": PASSWORD})
    response = browser.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_admin_deactivates_a_user_through_the_service(admin_user):
    user = UserFactory(full_name="Ivan")
    refresh = RefreshToken.for_user(user)

    response = browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        user_form(user, full_name="Ivan Petrov", is_active=None),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.is_active, user.full_name) == (False, "Ivan Petrov")
    activity = ActivityLog.objects.get(user=user, type=ActivityType.DEACTIVATED)
    assert activity.details == {"by": str(admin_user.pk)}
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    event = OutboxEvent.objects.filter(type="user.updated", aggregate_id=str(user.pk)).get()
    assert event.payload["is_active"] is False


def test_an_admin_reactivates_a_user_through_the_service(admin_user):
    user = UserFactory(is_active=False)

    browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[user.pk]), user_form(user)
    )

    user.refresh_from_db()
    assert user.is_active
    assert ActivityLog.objects.filter(user=user, type=ActivityType.ACTIVATED).count() == 1


def test_editing_a_profile_in_the_admin_logs_no_activation(admin_user):
    user = UserFactory(full_name="Olga")

    browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, full_name="O. K.")
    )

    user.refresh_from_db()
    assert (user.full_name, user.is_active) == ("O. K.", True)
    assert not ActivityLog.objects.filter(
        user=user, type__in=[ActivityType.ACTIVATED, ActivityType.DEACTIVATED]
    ).exists()


def test_an_admin_cannot_deactivate_themselves_in_the_admin(admin_user):
    response = browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[admin_user.pk]),
        user_form(admin_user, is_active=None),
    )

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert not ActivityLog.objects.filter(type=ActivityType.DEACTIVATED).exists()


def test_a_password_an_admin_sets_ends_the_users_tokens(admin_user, customer):
    refresh = RefreshToken.for_user(customer)
    access = str(refresh.access_token)

    response = browser_for(admin_user).post(
        reverse("admin:auth_user_password_change", args=[customer.pk]),
        {
            "password1": "Another-pass-2026",
            "password2": "Another-pass-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content
    customer.refresh_from_db()
    assert customer.check_password("Another-pass-2026")
    assert customer.token_version == 1
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    me = Client().get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert me.status_code == 401
