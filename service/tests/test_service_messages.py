"""The service department's messages (docs/service.md, "Messages"): a booking confirmed, moved
and cancelled by e-mail and SMS with the showroom's address and the signed link, to a booker
signed in and to one who only confirmed a phone; the reminder the day before, once and out of
the quiet hours; a car's maintenance reminder when it comes due by date or by the estimated
mileage, once, and not to a customer who turned reminders off. Django's test mailbox stands for
the SMTP server and the console backend's `send` is recorded for SMS, as the notifications
tests do; everything else is the real databases."""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from accounts.tests.factories import UserFactory
from common.events import delivery, types
from common.events.registry import outbox_model
from notifications import selectors as notifications_selectors
from notifications import services as notifications_services
from service import services
from service.services import links, messages
from service.tests.factories import booking_make, local_at, menu_make, service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")
LINK = re.compile(r"https?://\S+/service/booking/(\S+)/")


@pytest.fixture(autouse=True)
def daytime(time_machine):
    """Noon in Moscow: outside the quiet hours of SMS, unless a test moves the clock."""
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)
    return time_machine


@pytest.fixture
def sms():
    """The texts the SMS backend was given, as (phone, text)."""
    sent: list[tuple[str, str]] = []
    with mock.patch(
        "notifications.sms.ConsoleBackend.send",
        side_effect=lambda *, phone, text: sent.append((phone, text)) or "",
    ):
        yield sent


@pytest.fixture
def showroom():
    return service_showroom_make(bays=2, service_phone="+7 495 765-43-21")


@pytest.fixture
def customer():
    return UserFactory(
        role="client", language="ru", phone="+79151234567", full_name="Анна Смирнова"
    )


def anonymous_booking(showroom, sms, start, **fields):
    """A booking by someone not signed in, the phone confirmed by the code texted to it."""
    phone = fields.pop("phone", "+79161112233")
    code = services.phone_code_send(phone=phone)
    text = sms.pop()[1]
    return services.booking_create(
        user=None,
        showroom_id=showroom.pk,
        start_time=start,
        phone_code_id=code.pk,
        code=text[-6:],
        phone=phone,
        vin="XTA21900000000009",
        mileage_km=42000,
        complaint="Стучит спереди",
        **fields,
    )


def told(showroom, notice):
    """The deliveries of `notice` about the showroom's bookings, as notifications logs them."""
    return notifications_selectors.deliveries_about(showroom_id=showroom.pk).filter(notice=notice)


def deliveries(showroom, notice):
    return sorted(told(showroom, notice).values_list("channel", "recipient", "status"))


def token_in(text):
    return LINK.search(text).group(1)


def test_a_signed_in_booker_hears_of_the_booking_with_the_address_and_the_link(
    showroom, customer, sms, run_on_commit
):
    menu = menu_make()
    with run_on_commit():
        booking = booking_make(
            customer, showroom, local_at(showroom, 10), menu_id=menu.pk, complaint=""
        )

    assert deliveries(showroom, "service_booking.created") == [
        ("email", customer.email, "sent"),
        ("sms", customer.phone, "sent"),
    ]
    row = told(showroom, "service_booking.created").get(channel="email")
    assert (row.user_id, row.showroom_id, row.category) == (
        customer.pk,
        showroom.pk,
        "transactional",
    )
    [email] = mail.outbox
    when = local_at(showroom, 10).strftime("%d.%m.%Y 10:00")
    assert email.subject == f"Запись в сервис {when}"
    assert "Анна Смирнова" in email.body and "ТО-1" in email.body
    assert "Ленинградское шоссе, 16" in email.body and "+7 495 765-43-21" in email.body
    assert links.id_of_link(token_in(email.body), salt=links.BOOKING) == str(booking.pk)
    [(phone, text)] = sms
    assert phone == customer.phone and when in text
    assert links.id_of_link(token_in(text), salt=links.BOOKING) == str(booking.pk)


def test_an_anonymous_booker_gets_the_sms_at_the_phone_and_the_email_if_given(
    showroom, sms, run_on_commit
):
    with run_on_commit(), translation.override("ru"):  # booked on the Russian site
        booking = anonymous_booking(
            showroom, sms, local_at(showroom, 11), name="Пётр", email="petr@example.com"
        )

    assert deliveries(showroom, "service_booking.created") == [
        ("email", "petr@example.com", "sent"),
        ("sms", "+79161112233", "sent"),
    ]
    rows = told(showroom, "service_booking.created")
    assert {(row.user_id, row.showroom_id, row.language) for row in rows} == {
        (None, showroom.pk, "ru")
    }
    assert {row.time_zone for row in rows} == {showroom.time_zone}
    [(phone, text)] = sms
    assert phone == "+79161112233"
    assert links.id_of_link(token_in(text), salt=links.BOOKING) == str(booking.pk)
    [email] = mail.outbox
    assert email.to == ["petr@example.com"] and "Здравствуйте, Пётр!" in email.body
    assert "диагностика и ремонт" in email.body  # a complaint's work


def test_an_anonymous_booker_without_an_email_gets_the_sms_alone(showroom, sms, run_on_commit):
    with run_on_commit():
        anonymous_booking(showroom, sms, local_at(showroom, 11))

    assert deliveries(showroom, "service_booking.created") == [("sms", "+79161112233", "sent")]
    assert mail.outbox == []


def test_an_anonymous_booker_hears_in_the_language_they_booked_in(showroom, sms, run_on_commit):
    with run_on_commit(), translation.override("en"):
        booking = anonymous_booking(showroom, sms, local_at(showroom, 12), email="j@example.com")

    assert booking.language == "en"
    [email] = mail.outbox
    assert email.subject.startswith("Service booked for")
    with run_on_commit(), translation.override("ru"):
        russian = anonymous_booking(showroom, sms, local_at(showroom, 14), phone="+79160000001")
    assert russian.language == "ru"
    [(_phone, text)] = [sent for sent in sms if sent[0] == "+79160000001"]
    assert text.startswith("Запись в сервис")


def test_reschedule_and_cancel_are_told_once_each(showroom, customer, sms, run_on_commit):
    with run_on_commit():
        booking = booking_make(customer, showroom, local_at(showroom, 10))
    with run_on_commit():
        services.booking_reschedule(
            booking_id=booking.pk, start_time=local_at(showroom, 15), user=customer
        )
    with run_on_commit():
        services.booking_cancel(booking_id=booking.pk, user=None)  # by the signed link

    moved = next(m for m in mail.outbox if "перенесена" in m.subject)
    assert local_at(showroom, 15).strftime("%d.%m.%Y 15:00") in moved.subject
    assert links.id_of_link(token_in(moved.body), salt=links.BOOKING) == str(booking.pk)
    cancelled = next(m for m in mail.outbox if "отменена" in m.subject)
    assert local_at(showroom, 15).strftime("%d.%m.%Y 15:00") in cancelled.subject
    assert f"/service/?vin={booking.vin}" in cancelled.body  # to book again
    for notice in ("service_booking.rescheduled", "service_booking.cancelled"):
        assert deliveries(showroom, notice) == [
            ("email", customer.email, "sent"),
            ("sms", customer.phone, "sent"),
        ]
    # The event delivered again tells no one twice: the inbox, and past it the key.
    row = outbox_model("service").objects.get(type="service_booking.cancelled")
    event = {**types.event_from_outbox_row(row, "service").as_dict(), "id": str(row.pk)}
    with run_on_commit():
        assert delivery.deliver("service.notify_booking_cancelled", event) is False
        again = messages.booking_notice_send(
            booking_id=booking.pk, notice="service_booking.cancelled", key=str(row.pk)
        )
    assert again == 0 and told(showroom, "service_booking.cancelled").count() == 2


def test_the_reminder_goes_the_day_before_once(showroom, customer, sms, daytime, run_on_commit):
    start = local_at(showroom, 10, days=3)
    with run_on_commit():
        booking_make(customer, showroom, start)
    with run_on_commit():  # made within the day: its confirmation is its reminder
        booking_make(customer, showroom, local_at(showroom, 10, days=1), vin="XTA21900000000003")
    sms.clear()
    mail.outbox.clear()

    daytime.move_to(start - timedelta(hours=25))
    assert messages.booking_reminders_send() == 0  # not yet
    daytime.move_to(start - timedelta(hours=23))
    with run_on_commit():
        assert messages.booking_reminders_send() == 2
    with run_on_commit():
        assert messages.booking_reminders_send() == 0  # once

    assert deliveries(showroom, "service_booking.reminder") == [
        ("email", customer.email, "sent"),
        ("sms", customer.phone, "sent"),
    ]
    [email] = mail.outbox
    assert email.subject == f"Напоминание: сервис {start.strftime('%d.%m.%Y 10:00')}"
    assert "List-Unsubscribe" in email.extra_headers  # a reminder may be turned off
    assert len(sms) == 1


def test_the_reminder_waits_out_the_quiet_hours(showroom, customer, sms, daytime, run_on_commit):
    start = local_at(showroom, 10, days=2)
    with run_on_commit():
        booking_make(customer, showroom, start)

    daytime.move_to(start - timedelta(hours=12))  # 22:00 the evening before
    assert messages.booking_reminders_send() == 0
    assert not told(showroom, "service_booking.reminder").exists()
    daytime.move_to(start - timedelta(minutes=55))  # 09:05
    with run_on_commit():
        assert messages.booking_reminders_send() == 2
    assert {row.status for row in told(showroom, "service_booking.reminder")} == {"sent"}


def test_an_anonymous_bookers_sms_keeps_the_quiet_hours_of_the_showrooms_clock(
    sms, daytime, run_on_commit
):
    far = service_showroom_make(time_zone="Asia/Novosibirsk")  # four hours ahead of Moscow
    start = local_at(far, 10, days=2)
    daytime.move_to("2026-11-26T18:00:00+03:00")  # 22:00 in Novosibirsk
    with run_on_commit():
        anonymous_booking(far, sms, start, email="petr@example.com")

    assert deliveries(far, "service_booking.created") == [
        ("email", "petr@example.com", "sent"),
        ("sms", "+79161112233", "suppressed"),
    ]
    quiet = told(far, "service_booking.created").get(channel="sms")
    assert "Asia/Novosibirsk" in quiet.reason and sms == []


def maintained(staff, customer, showroom, menu, *, mileage_km, vin="XTA21900000000001"):
    """A visit for the menu: a booking of it and the work order opened from it (its parts
    taken from the shelf)."""
    for menu_part in menu.parts.all():
        services.stock_receive(
            showroom_id=showroom.pk, part_id=menu_part.part_id, quantity=Decimal("10")
        )
    booking = booking_make(
        customer, showroom, menu_id=menu.pk, complaint="", mileage_km=mileage_km, vin=vin
    )
    return services.work_order_open(
        user=staff,
        booking_id=booking.pk,
        customer_name="Анна Смирнова",
        customer_phone=customer.phone or "+79161234567",
    )


@pytest.fixture
def serviced(showroom):
    """Two customers whose Lada Vesta had its ТО-1 (every 15 000 km or 12 months) today; the
    second turned reminders off on both channels."""
    from documents.tests.factories import legal_entity_make

    legal_entity_make()
    menu = menu_make()
    staff = UserFactory(role="manager", showroom_ids=[showroom.pk])
    keen, opted_out = UserFactory(phone="+79150000001"), UserFactory(phone="+79150000002")
    notifications_services.preferences_update(
        user=opted_out, changes={"email": {"reminders": False}, "sms": {"reminders": False}}
    )
    maintained(staff, keen, showroom, menu, mileage_km=30000)
    maintained(staff, opted_out, showroom, menu, mileage_km=30000, vin="XTA21900000000002")
    return keen, opted_out, menu, staff


def test_the_maintenance_reminder_goes_once_when_due_and_not_to_one_who_opted_out(
    serviced, sms, daytime, run_on_commit
):
    keen, opted_out, _menu, _staff = serviced

    assert messages.maintenance_reminders_send() == 0  # just serviced
    daytime.move_to("2027-11-27T23:00:00+03:00")  # a year on, in the quiet hours
    assert messages.maintenance_reminders_send() == 0
    daytime.move_to("2027-11-28T10:00:00+03:00")
    with run_on_commit():
        assert messages.maintenance_reminders_send() == 4
    with run_on_commit():
        assert messages.maintenance_reminders_send() == 0  # once per due maintenance

    rows = [
        (row.user_id, row.channel, row.status)
        for user in (keen, opted_out)
        for row in notifications_selectors.delivery_list(user=user)
        if row.notice == "service.maintenance_due"
    ]
    assert sorted(rows) == sorted(
        [
            (keen.pk, "email", "sent"),
            (keen.pk, "sms", "sent"),
            (opted_out.pk, "email", "suppressed"),
            (opted_out.pk, "sms", "suppressed"),
        ]
    )
    [email] = mail.outbox
    assert email.to == [keen.email] and "ТО-1" in email.subject
    assert "45000" in email.body and "/service/?vin=XTA21900000000001" in email.body
    assert [phone for phone, _text in sms] == [keen.phone]


def test_the_maintenance_reminder_comes_by_the_estimated_mileage_before_the_date(
    showroom, sms, daytime, run_on_commit
):
    from documents.tests.factories import legal_entity_make

    legal_entity_make()
    menu = menu_make()
    staff = UserFactory(role="manager", showroom_ids=[showroom.pk])
    driver = UserFactory(phone="+79150000003", language="en")
    maintained(staff, driver, showroom, menu, mileage_km=30000)
    daytime.move_to("2027-01-25T12:00:00+03:00")  # 60 days and 6 000 km later: 100 km a day
    maintained(staff, driver, showroom, menu, mileage_km=36000)

    daytime.move_to("2027-06-23T12:00:00+03:00")  # 149 days on: about 50 900 km
    assert messages.maintenance_reminders_send() == 0
    daytime.move_to("2027-06-26T12:00:00+03:00")  # 152 days on: about 51 200 km of 51 000
    with run_on_commit():
        assert messages.maintenance_reminders_send() == 2

    [email] = mail.outbox
    assert email.subject.startswith("ТО-1 is due")
    assert "51000 km" in email.body and "about 51200 km" in email.body


def test_the_estimate_needs_readings_a_month_apart_going_forward():
    from datetime import date

    from service.maintenance import due_on, estimated_km

    day = date(2027, 1, 1)
    assert estimated_km([(day, 30000)], day) is None  # one reading
    assert estimated_km([(day, 30000), (date(2027, 1, 20), 31000)], day) is None  # too close
    assert estimated_km([(day, 30000), (date(2027, 3, 2), 29000)], day) is None  # backwards
    history = [(day, 30000), (date(2027, 3, 2), 36000)]  # 60 days, 100 km a day
    assert estimated_km(history, date(2027, 3, 12)) == 37000
    due = due_on(
        day=date(2027, 3, 12), next_due_date=date(2028, 3, 2), next_due_km=37000, history=history
    )
    assert due is not None and (due.by_date, due.by_km, due.estimated_km) == (False, True, 37000)
    assert due_on(day=day, next_due_date=None, next_due_km=None, history=history) is None
