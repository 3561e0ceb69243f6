"""A person of no account (a service booker who confirmed a phone) is told through
`notify_contact` (docs/notifications.md, "Without an account"): deliveries logged, sent and
keyed once as any other, signed by the showroom's seller; the unsubscribe link of a reminder
stops that category at that address, and never what they must know."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from documents.tests.factories import legal_entity_make
from notifications import services
from notifications.models import Delivery, Suppression
from showroom.tests.factories import showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")
START = datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture(autouse=True)
def daytime(time_machine):
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)


def told(notice, key, showroom=None):
    return services.notify_contact(
        notice=notice,
        key=key,
        name="",
        email="petr@example.com",
        phone="+79161112233",
        variables={
            "car": "XTA21900000000009",
            "work": "ТО-1",
            "starts_at": services.OnClock(START, "Europe/Moscow"),
            "place": "",
            "booking_url": "https://autosalon.example.com/service/booking/abc/",
        },
        time_zone="Europe/Moscow",
        showroom_id=showroom.pk if showroom else None,
    )


def test_a_contact_is_told_once_by_email_and_sms_signed_by_the_showrooms_seller(
    run_on_commit, capsys
):
    showroom = showroom_make()  # names no legal entity: the group's signs
    seller = legal_entity_make()
    with run_on_commit():
        made = told("service_booking.created", "event-1", showroom)
        again = told("service_booking.created", "event-1", showroom)

    assert len(made) == 2 and again == []
    rows = Delivery.objects.filter(key="event-1")
    assert sorted(rows.values_list("channel", "status", "user_id")) == [
        ("email", "sent", None),
        ("sms", "sent", None),
    ]
    [email] = mail.outbox
    assert email.subject == "Запись в сервис 28.11.2026 10:00"
    assert email.body.startswith("Здравствуйте!")  # no name given, none made up
    assert seller.short_name in email.body and seller.phone in email.body
    assert "+79161112233" in capsys.readouterr().out  # the console's SMS


def test_a_contacts_unsubscribe_link_stops_the_category_at_that_address(run_on_commit):
    with run_on_commit():
        told("service_booking.reminder", "reminder-1")
    unsubscribe = re.search(r"/notifications/unsubscribe/([^/]+)/", mail.outbox[0].body)

    delivery = services.unsubscribe(token=unsubscribe.group(1))
    with run_on_commit():
        told("service_booking.reminder", "reminder-2")
        told("service_booking.created", "event-2")

    assert delivery.unsubscribed_at is not None
    assert Suppression.objects.filter(
        channel="email", address="petr@example.com", category="reminders"
    ).exists()
    statuses = dict(Delivery.objects.filter(channel="email").values_list("key", "status"))
    assert statuses == {"reminder-1": "sent", "reminder-2": "suppressed", "event-2": "sent"}
