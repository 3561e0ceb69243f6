"""The user's language is a setting of the user, which an admin sees and sets in the admin;
the accounts admin reads in Russian (docs/admin.md, "Languages")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from accounts import services
from accounts.models import User
from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import browser_for

# The user page offers the showrooms by name (docs/showrooms.md): it reads them too.
pytestmark = pytest.mark.django_db(databases=["default", "showroom"])


def user_form(user, **changes) -> dict:
    data = {"email": user.email, "full_name": user.full_name, "phone": "", "is_active": "on"}
    return {**data, **changes}


def test_an_admin_sets_a_users_language_in_the_admin(admin_user):
    user = UserFactory(full_name="Anna Volkova")

    response = browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, language="ru")
    )

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).language == "ru"
    listing = browser_for(admin_user).get(
        reverse("admin:accounts_user_changelist"), {"language__exact": "ru"}
    )
    assert [u.pk for u in listing.context["cl"].result_list] == [user.pk]


def test_a_language_that_is_not_offered_is_refused(admin_user):
    user = UserFactory()

    response = browser_for(admin_user).post(
        reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, language="de")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["language"]
    assert User.objects.get(pk=user.pk).language == ""


def test_the_user_list_and_page_read_in_russian(admin_user):
    manager = UserFactory(role="manager", full_name="Pavel Orlov")
    browser = browser_for(admin_user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    listing = browser.get(reverse("admin:accounts_user_changelist")).content.decode()
    page = browser.get(reverse("admin:accounts_user_change", args=[manager.pk])).content.decode()

    assert "Менеджер" in listing and "Администратор" in listing  # the roles
    assert "Полное имя" in listing and "Язык" in listing
    for label in ("Профиль", "Доступ", "Телефон", "Язык", "Привязанные входы"):
        assert label in page, label
    for english in ("Full name", "Profile", "Linked sign-ins", ">Manager<"):
        assert english not in page + listing, english


def test_the_user_list_narrows_by_the_date_of_joining(admin_user):
    old = UserFactory()
    User.objects.filter(pk=old.pk).update(
        created_at=datetime(2025, 5, 5, 12, tzinfo=ZoneInfo(settings.DEALERSHIP_TIME_ZONE))
    )

    response = browser_for(admin_user).get(
        reverse("admin:accounts_user_changelist"),
        {"created_at__range__gte": "2025-05-01", "created_at__range__lte": "2025-05-31"},
    )

    assert [u.pk for u in response.context["cl"].result_list] == [old.pk]


def test_a_service_refusal_reads_in_russian_when_asked(admin_user):
    with pytest.raises(ApplicationError) as refused:
        services.user_delete(actor=admin_user, user=admin_user)

    assert refused.value.code == "cannot_delete_self"
    assert User.objects.filter(pk=admin_user.pk).exists()
    # The message is read in the language of whoever reads it; English by default.
    with override("ru"):
        assert str(refused.value.message) == "Администратор не может удалить сам себя."
    assert str(refused.value.message) == "Admins cannot delete themselves."


def test_an_admin_adds_a_user_with_a_language(admin_user):
    response = browser_for(admin_user).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Olga.Sokolova@Example.com",
            "full_name": "Olga Sokolova",
            "language": "ru",
            "usable_password": "true",
            "password1": "Sturdy-pass-2027",
            "password2": "Sturdy-pass-2027",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="olga.sokolova@example.com")
    assert (user.full_name, user.language) == ("Olga Sokolova", "ru")
