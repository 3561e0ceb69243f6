"""The deal's events reach the customer by e-mail and SMS, in their language, once each
(docs/notifications.md). Celery runs the tasks in-process here and Django's test mailbox
stands for the SMTP server; tests/system/test_notifications_with_celery_worker.py sends through a
real one, with a real worker."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from common.events import delivery, types
from common.events.registry import outbox_model
from common.formatting import local_datetime
from documents.tests.factories import legal_entity_make
from financing.tests.factories import application_make
from notifications import services
from notifications.models import Delivery, Suppression
from orders.tests.factories import order_make, vehicle_make
from payments import services as payments_services
from showroom import services as showroom_services
from showroom.tests.factories import resource_make, showroom_make, tomorrow_at
from tests.processes import free_port
from tradein import services as tradein_services
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def daytime(time_machine):
    """Noon in Moscow: outside the quiet hours of SMS, unless a test moves the clock."""
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)


@pytest.fixture
def russian(db):
    return UserFactory(
        role="client", language="ru", phone="+79151234567", full_name="Анна Смирнова"
    )


@pytest.fixture
def english(db):
    return UserFactory(role="client", language="en", full_name="John Smith")


def test_an_order_placed_reaches_its_customer_in_their_language(russian, english, run_on_commit):
    with run_on_commit():
        ru_order = order_make(russian, (vehicle_make(price="2100000.00"), 1))
    with run_on_commit():
        en_order = order_make(english, (vehicle_make(price="2100000.00"), 1))

    by_recipient = {message.to[0]: message for message in mail.outbox}
    ru, en = by_recipient[russian.email], by_recipient[english.email]
    assert ru.subject == f"Заказ {ru_order.number} оформлен"
    assert "2\xa0100\xa0000,00\xa0₽" in ru.body and "Анна Смирнова" in ru.body
    assert en.subject == f"Order {en_order.number} placed"
    assert "2,100,000.00\xa0RUB" in en.body
    assert "List-Unsubscribe" not in ru.extra_headers  # what the deal needs is not optional
    html, mime = ru.alternatives[0]
    assert mime == "text/html" and "Анна Смирнова" in html
    rows = Delivery.objects.filter(user_id=russian.pk)
    assert sorted(rows.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    assert {d.template.version for d in rows} == {1}
    assert not Delivery.objects.filter(user_id=english.pk, channel="sms").exists()  # no phone


def test_an_event_delivered_again_or_notified_again_sends_nothing_twice(russian, run_on_commit):
    with run_on_commit():
        order = order_make(russian, (vehicle_make(price="1000000.00"), 1))
    row = outbox_model("orders").objects.get(type="order.created", aggregate_id=str(order.pk))
    event = {**types.event_from_outbox_row(row, "orders").as_dict(), "id": str(row.pk)}

    with run_on_commit():
        assert delivery.deliver("notifications.order_created", event) is False  # the inbox
        again = services.notify(  # and, past the inbox, the claim
            notice="order.created",
            key=str(row.pk),
            user_id=russian.pk,
            variables={"order_number": "X", "order_url": "/", "total": "1"},
        )

    assert again == []
    assert Delivery.objects.filter(user_id=russian.pk).count() == 2  # e-mail and SMS
    assert len([m for m in mail.outbox if m.to == [russian.email]]) == 1


def test_paying_and_financing_tell_the_customer_with_the_amounts_in_their_language(
    english, manager, run_on_commit
):
    with run_on_commit():
        order = order_make(english, (vehicle_make(price="1500000.00"), 1))
    with run_on_commit():
        payments_services.payment_create(
            user=english,
            order_id=order.pk,
            amount=Decimal("300000.00"),
            method="card",
            idempotency_key="deposit",
        )
    mail.outbox.clear()

    with run_on_commit():
        application_make(
            english,
            order,
            vehicle_price="1500000.00",
            down_payment="300000.00",
            monthly_income="400000.00",
        )

    (loan,) = [m for m in mail.outbox if m.subject == "Your loan is pre-approved"]
    assert "1,200,000.00\xa0RUB" in loan.body and order.number in loan.body
    paid = Delivery.objects.get(user_id=english.pk, notice="payment.completed")
    assert paid.status == "sent"
    assert "300,000.00\xa0RUB" in paid.context["amount"]
    assert paid.context["receipts_url"].endswith("/receipts/")  # the fiscal receipt's link


def test_sms_goes_through_smsru_and_never_in_quiet_hours(
    russian, settings, run_on_commit, time_machine, smsru
):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.sms.SmsRuBackend"
    settings.SMSRU_API_URL, settings.SMSRU_API_ID = smsru.url, "test-api-id"

    with run_on_commit():
        order = order_make(russian, (vehicle_make(price="1000000.00"), 1))
    (sent,) = smsru.received
    assert (sent["api_id"], sent["to"]) == (["test-api-id"], ["79151234567"])
    assert sent["msg"] == [
        f"Заказ {order.number} на 1\xa0000\xa0000,00\xa0₽ оформлен. "
        f"{settings.SITE_URL}/account/orders/{order.pk}/"
    ]

    time_machine.move_to("2026-11-26T22:30:00+03:00", tick=True)
    with run_on_commit():
        late = order_make(russian, (vehicle_make(price="1000000.00"), 1))
    assert len(smsru.received) == 1  # nothing more
    quiet = Delivery.objects.get(order_id=late.pk, channel="sms")
    assert quiet.status == "suppressed"
    assert "21:00" in quiet.reason and "09:00" in quiet.reason
    assert Delivery.objects.get(order_id=late.pk, channel="email").status == "sent"


def test_a_number_smsru_refuses_is_failed_and_suppressed(russian, settings, run_on_commit, smsru):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.sms.SmsRuBackend"
    settings.SMSRU_API_URL = smsru.url
    smsru.answer_code = 202  # "the number is wrong"

    with run_on_commit():
        first = order_make(russian, (vehicle_make(price="1000000.00"), 1))
    with run_on_commit():
        second = order_make(russian, (vehicle_make(price="1000000.00"), 1))

    failed = Delivery.objects.get(order_id=first.pk, channel="sms")
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert Suppression.objects.filter(channel="sms", address=russian.phone).exists()
    held = Delivery.objects.get(order_id=second.pk, channel="sms")
    assert held.status == "suppressed" and len(smsru.received) == 1


def test_a_test_drive_is_confirmed_then_reminded_a_day_and_two_hours_before_once_each(
    english, run_on_commit, time_machine
):
    car = VehicleFactory(test_drive_available=True)
    resource_make(name="Haval Jolion", vehicle_id=car.pk)
    start = tomorrow_at(15)
    with run_on_commit():
        showroom_services.test_drive_book(
            user=english, vehicle_id=car.pk, start_time=start, end_time=start + timedelta(hours=1)
        )
    for before in (timedelta(hours=23), timedelta(hours=1, minutes=30), timedelta(hours=1)):
        time_machine.move_to(start - before, tick=True)
        with run_on_commit():
            services.reminders_send()

    subjects = [m.subject for m in mail.outbox if m.to == [english.email]]
    reminder = f"Reminder: your test drive on {local_datetime(start)}"
    assert subjects == ["Your test drive of the Haval Jolion", reminder, reminder]
    keys = Delivery.objects.filter(notice="test_drive.reminder").values_list("key", flat=True)
    assert sorted(key.rsplit(":", 1)[1] for key in keys) == ["2", "24"]


def test_the_test_drive_email_says_where_to_come_the_demo_cars_showroom(russian, run_on_commit):
    car = VehicleFactory(test_drive_available=True)
    showroom = showroom_make(
        name="Автосалон на Космонавтов",
        city="Екатеринбург",
        address="проспект Космонавтов, 108",
        phone="+7 343 222-33-44",
    )
    resource_make(name="Haval Jolion", vehicle_id=car.pk, showroom=showroom)
    start = tomorrow_at(15)
    with run_on_commit():
        showroom_services.test_drive_book(
            user=russian, vehicle_id=car.pk, start_time=start, end_time=start + timedelta(hours=1)
        )

    (email,) = [m for m in mail.outbox if m.to == [russian.email]]
    place = "Автосалон на Космонавтов, Екатеринбург, проспект Космонавтов, 108, +7 343 222-33-44"
    with translation.override("ru"):
        when = local_datetime(start)
    assert f"Ждём вас на тест-драйв Haval Jolion {when} по адресу: {place}." in email.body


def test_an_smtp_server_that_cannot_be_reached_is_tried_again_then_given_up(
    english, settings, run_on_commit
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3

    with run_on_commit():
        order = order_make(english, (vehicle_make(price="1000000.00"), 1))

    failed = Delivery.objects.get(order_id=order.pk, channel="email")
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert "refused" in failed.reason.lower()
    assert not Suppression.objects.exists()  # a server down is no fault of the address


def test_a_trade_in_offer_its_expiry_and_its_inspection_reach_the_customer(
    russian, manager, run_on_commit, time_machine
):
    with run_on_commit():
        trade_in = trade_in_make(russian)
    until = timezone.now() + timedelta(days=5)
    with run_on_commit():
        tradein_services.trade_in_offer(
            user=manager, trade_in_id=trade_in.pk, amount=Decimal("800000.00"), valid_until=until
        )
    time_machine.move_to(until - timedelta(hours=30), tick=True)
    for _ in range(2):  # a second run sends nothing twice
        with run_on_commit():
            services.reminders_send()
    with run_on_commit():
        tradein_services.trade_in_accept(user=russian, trade_in_id=trade_in.pk)
        tradein_services.trade_in_inspect(
            user=manager, trade_in_id=trade_in.pk, mileage_km=150000, findings="As described"
        )

    subjects = [m.subject for m in mail.outbox if m.to == [russian.email]]
    assert subjects == [
        "Оценка вашего автомобиля: 800\xa0000,00\xa0₽",
        "Предложение за Lada Priora, 2012 истекает",
        "Осмотр вашего Lada Priora, 2012",
    ]


def test_every_e_mail_is_signed_with_the_sellers_name_address_and_phone(russian, run_on_commit):
    seller = legal_entity_make()
    with run_on_commit():
        order_make(russian, (vehicle_make(price="2100000.00"), 1))

    (message,) = [m for m in mail.outbox if m.to == [russian.email]]
    html, _mime = message.alternatives[0]

    for said in (seller.short_name, seller.address, seller.phone):
        assert said in message.body, said
    assert seller.short_name in html and f'href="tel:{seller.phone.replace(" ", "")}"' in html


def test_the_loans_disbursement_names_the_partner_bank_that_lent_it(russian, run_on_commit):
    from financing import selectors as financing_selectors
    from financing import services as financing_services
    from financing.tests.factories import banks_make, lender_has_it

    banks = {bank.code: bank for bank in banks_make()}
    order = order_make(russian, (vehicle_make(price="1000000.00", year=2026), 1))
    application = application_make(russian, order)
    with run_on_commit():
        financing_services.offers_request(
            user=russian, application_id=application.pk, bank_ids=[banks["demo-volga"].pk]
        )
    (offer,) = financing_selectors.offers_of(user=russian, application_id=application.pk)
    financing_services.offer_choose(user=russian, offer_id=offer.pk)
    lender_has_it(application)  # only the chosen bank, once the loan went to it, pays it
    mail.outbox.clear()

    with run_on_commit():
        financing_services.application_disburse(
            application_id=application.pk, amount=application.loan_amount, reference="PAY-1"
        )

    (paid,) = [m for m in mail.outbox if m.subject == "Банк перечислил кредит"]
    assert "Демо-банк Волга перечислил 800\xa0000,00\xa0₽" in paid.body
    sent = Delivery.objects.get(user_id=russian.pk, notice="loan.disbursed", channel="sms")
    assert sent.context["lender"] == "Демо-банк Волга"
