"""The deal's events reach the customer by e-mail and SMS, in their language, once each
(docs/notifications.md). Celery runs the tasks in-process here and Django's test mailbox
stands for the SMTP server; tests/test_notifications_with_celery_worker.py sends through a
real one, with a real worker."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from notifications.models import Delivery
from orders.tests.factories import order_make, vehicle_make
from payments import services as payments_services

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def daytime(time_machine):
    """Noon in Moscow: outside the quiet hours of SMS, unless a test moves the clock."""
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)


@pytest.fixture
def russian(db):
    return UserFactory(role="client", language="ru", phone="+79151234567", full_name="Анна Смирнова")


@pytest.fixture
def english(db):
    return UserFactory(role="client", language="en", full_name="John Smith")


def test_an_order_placed_reaches_its_customer_in_their_language(
    russian, english, run_on_commit
):
    with run_on_commit():
        ru_order = order_make(russian, (vehicle_make(price="2100000.00"), 1))
    with run_on_commit():
        en_order = order_make(english, (vehicle_make(price="2100000.00"), 1))

    by_recipient = {message.to[0]: message for message in mail.outbox}
    ru, en = by_recipient[russian.email], by_recipient[english.email]
    assert ru.subject == f"Заказ {str(ru_order.pk)[:8].upper()} оформлен"
    assert "2\xa0100\xa0000,00\xa0₽" in ru.body and "Анна Смирнова" in ru.body
    assert en.subject == f"Order {str(en_order.pk)[:8].upper()} placed"
    assert "2,100,000.00\xa0RUB" in en.body
    assert "List-Unsubscribe" not in ru.extra_headers  # what the deal needs is not optional
    html, mime = ru.alternatives[0]
    assert mime == "text/html" and "Анна Смирнова" in html
    rows = Delivery.objects.filter(user_id=russian.pk)
    assert sorted(rows.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    assert {d.template.version for d in rows} == {1}
    assert not Delivery.objects.filter(user_id=english.pk, channel="sms").exists()  # no phone
