"""What a customer chooses to hear, the link that unsubscribes without signing in, the
reminders, the templates staff edit, and the log (docs/notifications.md)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import browser_for, client_for
from notifications import services
from notifications.models import Delivery, Preference, Template
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/api/v1/users/me/notifications"


@pytest.fixture(autouse=True)
def daytime(time_machine):
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)


@pytest.fixture
def buyer(db):
    return UserFactory(role="client", language="ru", phone="+79161112233")


def remind(buyer, run_on_commit):
    """An order placed 23 hours ago, whose car's 24-hour hold ends within the day."""
    with run_on_commit():
        order = order_make(buyer, (vehicle_make(price="1000000.00"), 1))
    order.__class__.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(hours=23)
    )
    with run_on_commit():
        services.reminders_send()
    return order


def test_the_preferences_start_from_the_defaults_and_change_as_asked(buyer):
    client = client_for(buyer)

    shown = client.get(URL).json()
    changed = client.patch(URL, {"sms": {"reminders": False}}, format="json")

    assert shown["email"] == {"transactional": True, "reminders": True, "marketing": False}
    assert changed.status_code == 200
    assert changed.json()["sms"] == {"transactional": True, "reminders": False, "marketing": False}
    assert Preference.objects.get(pk=buyer.pk).sms_reminders is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": {"transactional": False}}, "validation_error"),
        ({"email": {"marketing": True}}, "marketing_consent_required"),
        ({"sms": {"reminders": "sometimes"}}, "validation_error"),
        ({"push": {"reminders": True}}, "validation_error"),
        ({"time_zone": "Mars/Olympus"}, "validation_error"),
    ],
)
def test_what_cannot_be_chosen_is_a_400_and_changes_nothing(buyer, body, code):
    response = client_for(buyer).patch(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Preference.objects.filter(pk=buyer.pk, email_marketing=True).exists()


def test_marketing_with_its_consent_is_recorded_with_the_time(buyer):
    response = client_for(buyer).patch(
        URL, {"marketing_consent": True, "email": {"marketing": True}}, format="json"
    )

    assert response.json()["email"]["marketing"] is True
    preference = Preference.objects.get(pk=buyer.pk)
    assert preference.email_marketing and preference.marketing_consent_at is not None


def test_turning_reminders_off_stops_reminders_and_keeps_what_the_deal_needs(buyer, run_on_commit):
    client_for(buyer).patch(
        URL, {"email": {"reminders": False}, "sms": {"reminders": False}}, format="json"
    )

    order = remind(buyer, run_on_commit)

    reminders = Delivery.objects.filter(notice="order.reservation_expiring", order_id=order.pk)
    assert sorted(reminders.values_list("channel", "status")) == [
        ("email", "suppressed"),
        ("sms", "suppressed"),
    ]
    assert "reminders" in reminders.first().reason.lower() or "напомин" in reminders.first().reason
    placed = Delivery.objects.filter(notice="order.created", order_id=order.pk)
    assert set(placed.values_list("status", flat=True)) == {"sent"}  # the deal's news still go


def test_a_reminder_goes_once_and_its_link_unsubscribes_once_without_signing_in(
    buyer, run_on_commit, client
):
    order = remind(buyer, run_on_commit)
    with run_on_commit():
        services.reminders_send()  # a later run: nothing twice

    (message,) = [m for m in mail.outbox if "Бронь" in m.subject]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.removeprefix("http://127.0.0.1:8000")
    assert (
        Delivery.objects.filter(order_id=order.pk, notice="order.reservation_expiring").count() == 2
    )

    opened = client.get(path)  # a mail client fetching the link changes nothing
    assert opened.status_code == 200
    assert Preference.objects.filter(pk=buyer.pk, email_reminders=False).count() == 0
    first = client.post(path, {"List-Unsubscribe": "One-Click"})
    again = client.post(path, {"List-Unsubscribe": "One-Click"})
    tampered = client.post(path.replace(path[-8:-2], "AAAAAA"))

    assert first.status_code == 200
    assert Preference.objects.get(pk=buyer.pk).email_reminders is False
    assert Preference.objects.get(pk=buyer.pk).sms_reminders is True  # that channel only
    assert again.status_code == 400 and tampered.status_code == 400


def test_the_log_is_the_customers_own_with_the_addresses_masked(buyer, run_on_commit):
    other = UserFactory(role="client")
    with run_on_commit():
        order_make(buyer, (vehicle_make(price="1000000.00"), 1))
        order_make(other, (vehicle_make(price="1000000.00"), 1))

    rows = client_for(buyer).get(f"{URL}/log").json()["results"]

    assert {row["channel"] for row in rows} == {"email", "sms"}
    assert {row["status"] for row in rows} == {"sent"}
    recipients = {row["recipient"] for row in rows}
    assert buyer.email not in recipients and str(buyer.phone) not in recipients
    assert f"{buyer.email[:2]}***@example.com" in recipients


def test_an_edited_template_is_used_next_and_an_undocumented_variable_is_refused(
    buyer, manager, run_on_commit
):
    # the shipped version 1, loaded again if a transactional test emptied the table
    services.template_current(notice="order.created", channel="email", language="ru")
    browser = browser_for(manager)
    add = reverse("admin:notifications_template_add")
    refused = browser.post(
        add,
        {
            "notice": "order.created",
            "channel": "email",
            "language": "ru",
            "subject": "Заказ {{ order_number }}",
            "body": "Ваш пароль: {{ password }}",
        },
    )
    saved = browser.post(
        add,
        {
            "notice": "order.created",
            "channel": "email",
            "language": "ru",
            "subject": "Заказ {{ order_number }} принят",
            "body": "{{ name }}, спасибо! Сумма: {{ total }}.",
        },
    )

    assert refused.status_code == 200 and "password" in refused.content.decode()
    assert saved.status_code == 302
    version = Template.objects.filter(notice="order.created", channel="email", language="ru")
    assert version.order_by("-version").first().version == 2
    with run_on_commit():
        order = order_make(buyer, (vehicle_make(price="1000000.00"), 1))
    (message,) = [m for m in mail.outbox if m.to == [buyer.email]]
    assert message.subject == f"Заказ {order.number} принят"
    assert "Сумма: 1\xa0000\xa0000,00\xa0₽." in message.body
    assert Delivery.objects.get(order_id=order.pk, channel="email").template.version == 2
    preview = browser.get(
        reverse("admin:notifications_template_preview", args=[version.first().pk])
    )
    assert "Анна Смирнова" in preview.content.decode()  # the notice's sample


def test_the_admins_log_filters_by_customer_and_order_and_masks_addresses(
    buyer, manager, run_on_commit
):
    other = UserFactory(role="client", full_name="Пётр Иванов")
    with run_on_commit():
        mine = order_make(buyer, (vehicle_make(price="1000000.00"), 1))
        order_make(other, (vehicle_make(price="1000000.00"), 1))
    browser = browser_for(manager)
    changelist = reverse("admin:notifications_delivery_changelist")

    by_order = browser.get(changelist, {"q": str(mine.pk)})
    by_customer = browser.get(changelist, {"q": other.full_name})

    assert [d.order_id for d in by_order.context["cl"].result_list] == [mine.pk, mine.pk]
    assert {d.user_id for d in by_customer.context["cl"].result_list} == {other.pk}
    page = by_order.content.decode()
    assert buyer.email not in page and str(buyer.phone) not in page
    assert f"{buyer.email[:2]}***@example.com" in page


def _reminder_link(buyer, run_on_commit) -> tuple[str, Delivery]:
    order = remind(buyer, run_on_commit)
    (message,) = [m for m in mail.outbox if "Бронь" in m.subject]
    path = (
        message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    )
    delivery = Delivery.objects.get(
        order_id=order.pk, notice="order.reservation_expiring", channel="email"
    )
    return path, delivery


def test_a_used_link_changes_nothing_even_once_the_category_is_on_again(
    buyer, run_on_commit, client
):
    path, delivery = _reminder_link(buyer, run_on_commit)
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    client_for(buyer).patch(URL, {"email": {"reminders": True}}, format="json")
    assert Preference.objects.get(pk=buyer.pk).email_reminders is True

    again = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert again.status_code == 400
    assert "used or has expired" in again.content.decode() or "истек" in again.content.decode()
    assert Preference.objects.get(pk=buyer.pk).email_reminders is True
    assert Delivery.objects.get(pk=delivery.pk).unsubscribed_at is not None


def test_an_expired_link_changes_nothing(buyer, run_on_commit, client, time_machine, settings):
    path, delivery = _reminder_link(buyer, run_on_commit)
    time_machine.shift(timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS, hours=1))

    expired = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert expired.status_code == 400
    assert Preference.objects.filter(pk=buyer.pk, email_reminders=False).count() == 0
    assert Delivery.objects.get(pk=delivery.pk).unsubscribed_at is None
