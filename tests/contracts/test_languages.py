"""English or Russian, as each user chose (docs/admin.md, "Languages"): the admin's switch saves
the choice on the user, whose next session opens in it and whose e-mails come in it; the API
answers in the language its Accept-Language asks for, with its codes and field names in
English; admin messages count in Russian's three plural forms; money and dates in one place."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.emails import password_reset_email_send
from accounts.models import User
from accounts.tests.factories import UserFactory
from common.formatting import COUNTED, count_of, local_datetime, money
from conftest import browser_for
from orders.models import Order
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")

UNKNOWN_ENDPOINT = "/api/v1/no-such-thing"


# THE API: Accept-Language
# ------------------------------------------------------------------------------
def test_the_api_answers_in_russian_when_the_request_asks_for_it(api_client):
    response = api_client.get(UNKNOWN_ENDPOINT, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.8")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"] == "Такого адреса API нет."
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"]


def test_a_russian_validation_error_keeps_its_code_and_field_names_english(api_client):
    response = api_client.post(
        "/api/v1/auth/register", {"password": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Запрос содержит ошибки."
    assert "email" in error["details"]
    assert error["details"]["email"] == ["Обязательное поле."]
    assert not User.objects.filter(email="").exists()


@pytest.mark.parametrize("accept_language", [None, "de-DE,de;q=0.9", "*"])
def test_the_api_stays_english_without_a_language_it_speaks(api_client, accept_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    # A cookie from the admin's switch is the browser's, not the client's: it does not count.
    api_client.cookies["django_language"] = "ru"

    response = api_client.get(UNKNOWN_ENDPOINT, **headers)

    assert response.json()["error"] == {
        "code": "not_found",
        "message": "No such endpoint.",
        "details": {},
    }
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_a_russian_request_leaves_the_next_one_english(api_client):
    api_client.get(UNKNOWN_ENDPOINT, HTTP_ACCEPT_LANGUAGE="ru")

    response = api_client.get(UNKNOWN_ENDPOINT)

    assert response.json()["error"]["message"] == "No such endpoint."


# THE USER'S LANGUAGE
# ------------------------------------------------------------------------------
def test_the_admins_switch_saves_the_language_on_the_user(manager):
    browser = browser_for(manager)

    response = browser.post(reverse("set_language"), {"language": "ru", "next": "/admin/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    manager.refresh_from_db()
    assert manager.language == "ru"


def test_a_language_the_site_does_not_speak_is_not_saved(manager):
    manager.language = "ru"
    manager.save(update_fields=["language"])

    browser_for(manager).post(reverse("set_language"), {"language": "xx", "next": "/admin/"})

    manager.refresh_from_db()
    assert manager.language == "ru"


def test_the_users_next_session_opens_in_their_saved_language(manager):
    browser_for(manager).post(reverse("set_language"), {"language": "ru", "next": "/admin/"})

    # Another device: a new session, no language cookie, a browser that prefers English.
    response = browser_for(manager).get("/admin/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert "Автосалон" in response.content.decode()
    manager.refresh_from_db()
    assert manager.language == "ru"


def test_a_user_who_never_chose_gets_the_cookie_then_the_browsers_language(manager):
    assert manager.language == ""

    by_browser = browser_for(manager).get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")
    cookie = browser_for(manager)
    cookie.cookies["django_language"] = "en"
    by_cookie = cookie.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")

    assert (by_browser["Content-Language"], by_cookie["Content-Language"]) == ("ru", "en")
    manager.refresh_from_db()
    assert manager.language == ""


def test_switching_while_signed_out_saves_nothing(manager):
    response = Client().post(reverse("set_language"), {"language": "ru", "next": "/"})

    assert response.cookies["django_language"].value == "ru"
    assert not User.objects.filter(language="ru").exists()


def test_an_email_to_a_russian_user_is_in_russian_and_to_an_english_one_in_english():
    russian = UserFactory(language="ru", full_name="Иван Петров")
    english = UserFactory(language="en", full_name="John Smith")

    with translation.override("en"):  # the request or task's language does not decide
        password_reset_email_send(user=russian)
    with translation.override("ru"):
        password_reset_email_send(user=english)

    to_russian, to_english = mail.outbox
    assert to_russian.subject == "Автосалон: сброс пароля"
    assert to_russian.body.startswith("Здравствуйте, Иван Петров!")
    assert "выберите новый пароль" in to_russian.alternatives[0][0]
    assert 'lang="ru"' in to_russian.alternatives[0][0]
    assert to_english.subject == "Autosalon: reset your password"
    assert to_english.body.startswith("Hello John Smith,")


def test_an_email_to_someone_who_chose_no_language_is_in_the_dealerships():
    undecided = UserFactory(language="", full_name="Анна Петрова")

    with translation.override("en"):
        password_reset_email_send(user=undecided)

    (message,) = mail.outbox
    assert message.subject == "Автосалон: сброс пароля"
    assert message.body.startswith("Здравствуйте, Анна Петрова!")


# PLURALS: "6 заказов", not "6 заказы"
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("count", "phrase"),
    [(1, "1 заказ"), (3, "3 заказа"), (6, "6 заказов"), (21, "21 заказ")],
)
def test_an_admin_action_counts_orders_in_russian_plural_forms(manager, customer, count, phrase):
    car = product_make(stock=count)
    orders = [order_make(customer, (car, 1)) for _ in range(count)]
    manager.language = "ru"
    manager.save(update_fields=["language"])

    response = browser_for(manager).post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "move_to_cancelled",
            helpers.ACTION_CHECKBOX_NAME: [str(order.pk) for order in orders],
            "reason": "Клиент передумал",
            "apply": "yes",
        },
    )

    assert Order.objects.filter(pk__in=[o.pk for o in orders], status="cancelled").count() == count
    (message,) = [m.message for m in get_messages(response.wsgi_request)]
    assert message.endswith(f": {phrase}.")


@pytest.mark.parametrize(
    ("count", "russian", "english"),
    [
        (1, "1 запись", "1 record"),
        (2, "2 записи", "2 records"),
        (5, "5 записей", "5 records"),
        (11, "11 записей", "11 records"),
        (22, "22 записи", "22 records"),
        (111, "111 записей", "111 records"),
    ],
)
def test_a_model_without_a_noun_of_its_own_counts_records(count, russian, english):
    with translation.override("ru"):
        assert count_of("elsewhere.model", count) == russian
    with translation.override("en"):
        assert count_of("elsewhere.model", count) == english


# ONE FORMATTING PLACE
# ------------------------------------------------------------------------------
def test_money_and_times_read_as_each_language_writes_them_on_the_dealerships_clock():
    moment = datetime(2026, 3, 8, 21, 30, tzinfo=UTC)  # 9 March, 00:30 in Moscow

    with translation.override("ru"):
        ru = (money(Decimal("1250000"), "RUB"), local_datetime(moment))
    with translation.override("en"):
        en = (money(Decimal("1250000"), "RUB"), local_datetime(moment))

    assert ru == ("1\u00a0250\u00a0000,00\u00a0₽", "09.03.2026 00:30")
    assert en == ("1,250,000.00\u00a0RUB", "03/09/2026 00:30")


def test_templates_format_through_the_same_filters():
    template = Template(
        "{% load formatting %}{{ amount|money:'RUB' }} · {{ moment|local_datetime }}"
    )
    context = Context({"amount": Decimal("99.5"), "moment": datetime(2026, 1, 2, 9, 0, tzinfo=UTC)})

    with translation.override("ru"):
        assert template.render(context) == "99,50\u00a0₽ · 02.01.2026 12:00"


def test_the_admins_list_counts_its_rows_in_russian_plural_forms(manager, customer):
    car = product_make(stock=6)
    for _ in range(6):
        order_make(customer, (car, 1))
    manager.language = "ru"
    manager.save(update_fields=["language"])

    response = browser_for(manager).get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 200
    assert Order.objects.count() == 6
    assert "6 заказов" in response.content.decode()


def test_every_model_in_the_admin_has_its_counted_noun():
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert sorted(registered - set(COUNTED)) == []
