"""Booking the service on the site (docs/storefront.md, "Service"): by VIN with the mileage and
a maintenance, the free starts of the day chosen, then the booking's own page by its signed
link, where it is moved or cancelled. Someone not signed in confirms the phone with the SMS's
code; a wrong VIN keeps what was typed and says so beside the field."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from service.models import Booking, MaintenanceMenu
from service.tests.factories import local_at, menu_make, service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")
PAGE = reverse("storefront:service-book")
VIN = "XTA21900000000077"


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def menu() -> MaintenanceMenu:
    return menu_make()


def visit(showroom, menu, **more) -> dict:
    start = local_at(showroom, 10)
    return {
        "vin": VIN.lower(), "plate": "", "mileage_km": "30 000", "menu": str(menu.pk),
        "complaint": "", "showroom": str(showroom.pk), "day": start.date().isoformat(),
        "name": "Иван Петров", "phone": "+79161234567", "email": "", "code": "",
        **more,
    }  # fmt: skip


def test_a_buyer_books_by_vin_and_moves_and_cancels_it_by_its_link(showroom, menu):
    buyer = UserFactory(role="client")
    browser = Client()
    browser.force_login(buyer)
    assert browser.get(PAGE).status_code == 200

    found = browser.post(PAGE, {**visit(showroom, menu), "action": "find"})

    start = local_at(showroom, 10)
    assert found.status_code == 200 and f'value="{start.isoformat()}"' in found.content.decode()
    booked = browser.post(
        PAGE, {**visit(showroom, menu), "action": "book", "start": start.isoformat()}
    )
    assert booked.status_code == 302, booked.content.decode()[:2000]
    booking = Booking.objects.get()
    assert (booking.vin, booking.customer_id, booking.menu_id) == (VIN, buyer.pk, menu.pk)
    assert booking.mileage_km == 30000 and booking.start_time == start
    link_page = browser.get(booked["Location"])
    assert link_page.status_code == 200 and VIN in link_page.content.decode()

    later = local_at(showroom, 14)
    slots = Client().get(booked["Location"], {"day": later.date().isoformat()}).content.decode()
    assert later.isoformat() in slots  # the link alone is enough
    Client().post(booked["Location"], {"action": "move", "start": later.isoformat()})
    booking.refresh_from_db()
    assert booking.start_time == later
    Client().post(booked["Location"], {"action": "cancel"})
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Client().get(PAGE.rstrip("/") + "/booking/not-a-token/").status_code == 404


def test_a_wrong_vin_keeps_what_was_typed_with_the_error_beside_it(showroom, menu):
    answer = Client().post(
        PAGE, {**visit(showroom, menu, vin="XTA2190000000O077"), "action": "find"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )  # fmt: skip

    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'value="XTA2190000000O077"' in html and "field-invalid" in html
    assert "17 букв и цифр" in html
    assert not Booking.objects.exists()


def test_someone_not_signed_in_books_with_the_code_sent_to_their_phone(showroom, menu):
    start = local_at(showroom, 11)
    browser = Client()
    sent = []
    with mock.patch(
        "notifications.sms.ConsoleBackend.send",
        side_effect=lambda *, phone, text: sent.append((phone, text)) or "",
    ):
        asked = browser.post(
            PAGE, {**visit(showroom, menu), "action": "book", "start": start.isoformat()}
        )
    assert asked.status_code == 200 and not Booking.objects.exists()
    html = asked.content.decode()
    phone_code = html.split('name="phone_code" value="')[1].split('"')[0]
    wrong = browser.post(
        PAGE,
        {**visit(showroom, menu), "action": "book", "start": start.isoformat(),
         "phone_code": phone_code, "code": "000000"},
    )  # fmt: skip
    assert wrong.status_code in (400, 409) and not Booking.objects.exists()

    booked = browser.post(
        PAGE,
        {**visit(showroom, menu), "action": "book", "start": start.isoformat(),
         "phone_code": phone_code, "code": sent[0][1][-6:]},
    )  # fmt: skip

    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.customer_id is None and booking.phone == "+79161234567"
