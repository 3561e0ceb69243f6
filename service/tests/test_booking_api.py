"""Online booking through the API: slots, booking signed in or with a phone code, the
customer's own bookings, reschedule and cancel (also from the signed link), staff scoping."""

from datetime import timedelta
from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from conftest import client_for
from service.choices import BookingStatus
from service.models import Booking, OutboxEvent, PhoneCode
from service.tests.factories import booking_make, local_at, menu_make, service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = "/api/v1/service/bookings/"


@pytest.fixture
def showroom():
    return service_showroom_make(bays=2, advisors=2)


def body(showroom, start, **fields):
    return {
        "showroom_id": str(showroom.pk),
        "start_time": start.isoformat(),
        "vin": "XTA21900000000001",
        "mileage_km": 30000,
        **fields,
    }


def test_slots_fit_the_menus_norm_hours_within_the_showrooms_hours(showroom):
    menu = menu_make(norm_hours=("1.50", "0.70"))  # 2.2 hours: 2.5 booked
    day = local_at(showroom, 9).date()

    answer = APIClient().get(
        "/api/v1/service/slots",
        {"showroom_id": str(showroom.pk), "date": day.isoformat(), "menu_id": str(menu.pk)},
    )

    assert answer.status_code == 200, answer.content
    slots = answer.json()["slots"]
    assert answer.json()["minutes"] == 150
    assert slots[0]["start_time"] == local_at(showroom, 9).isoformat()
    assert slots[-1]["start_time"] == local_at(showroom, 18, 30).isoformat()  # ends at 21:00
    assert len(slots) == 20


def test_a_slot_with_every_bay_taken_is_not_offered(showroom):
    client = UserFactory()
    booking_make(client, showroom, local_at(showroom, 10))
    booking_make(client, showroom, local_at(showroom, 10))
    day = local_at(showroom, 9).date()

    slots = (
        APIClient()
        .get("/api/v1/service/slots", {"showroom_id": str(showroom.pk), "date": day.isoformat()})
        .json()["slots"]
    )

    starts = {slot["start_time"] for slot in slots}
    assert local_at(showroom, 10).isoformat() not in starts
    assert local_at(showroom, 9, 30).isoformat() not in starts  # would run into 10:00
    assert local_at(showroom, 11).isoformat() in starts


def test_a_signed_in_customer_books_a_menu_with_the_least_loaded_advisor(showroom):
    client = UserFactory()
    first = booking_make(client, showroom, local_at(showroom, 12))
    menu = menu_make(norm_hours=("2.00",))

    answer = client_for(client).post(
        URL, body(showroom, local_at(showroom, 10), menu_id=str(menu.pk)), format="json"
    )

    assert answer.status_code == 201, answer.content
    booking = Booking.objects.get(pk=answer.json()["id"])
    assert booking.customer_id == client.pk
    assert booking.end_time - booking.start_time == timedelta(hours=2)
    assert booking.advisor_id != first.advisor_id  # the other advisor had none that day
    assert booking.status == BookingStatus.BOOKED
    event = OutboxEvent.objects.get(aggregate_id=booking.pk)
    assert event.type == "service_booking.created"
    assert event.payload["bay_id"] == str(booking.bay_id)


def test_a_booking_outside_the_showrooms_hours_is_refused(showroom):
    answer = client_for(UserFactory()).post(
        URL, body(showroom, local_at(showroom, 20, 30), complaint="Стучит"), format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "slot_invalid"
    assert not Booking.objects.exists()


def test_a_booking_needs_a_vehicle_and_work(showroom):
    api = client_for(UserFactory())
    no_car = body(showroom, local_at(showroom, 10), complaint="Стучит", vin="")
    no_work = body(showroom, local_at(showroom, 10))

    assert api.post(URL, no_car, format="json").json()["error"]["code"] == "vehicle_required"
    assert api.post(URL, no_work, format="json").json()["error"]["code"] == "work_required"
    assert not Booking.objects.exists()


def test_an_anonymous_booker_confirms_the_phone_with_the_code_sent_by_sms(showroom):
    sent = []
    with mock.patch(
        "notifications.sms.ConsoleBackend.send",
        side_effect=lambda *, phone, text: sent.append((phone, text)) or "",
    ):
        code_answer = APIClient().post(
            "/api/v1/service/phone-codes", {"phone": "+79161234567"}, format="json"
        )
    assert code_answer.status_code == 201, code_answer.content
    code = sent[0][1][-6:]
    phone_code = PhoneCode.objects.get()
    assert code not in phone_code.code_hash
    booking = body(
        showroom,
        local_at(showroom, 10),
        complaint="Стучит",
        phone="+79161234567",
        phone_code_id=code_answer.json()["id"],
    )
    api = APIClient()

    no_code = api.post(URL, booking, format="json")
    wrong = api.post(URL, {**booking, "code": "x" + code[1:]}, format="json")
    right = api.post(URL, {**booking, "code": code}, format="json")
    again = api.post(URL, {**booking, "code": code}, format="json")

    assert no_code.json()["error"]["code"] == "phone_code_required"
    assert wrong.json()["error"]["code"] == "phone_code_invalid"
    assert right.status_code == 201, right.content
    assert again.json()["error"]["code"] == "phone_code_invalid"  # used once
    phone_code.refresh_from_db()
    assert phone_code.attempts == 1 and phone_code.used_at is not None
    made = Booking.objects.get()
    assert made.customer_id is None and made.phone == "+79161234567"

    token = right.json()["link_token"]
    read = api.post("/api/v1/service/link/booking", {"token": token}, format="json")
    moved = api.post(
        "/api/v1/service/link/reschedule",
        {"token": token, "start_time": local_at(showroom, 15).isoformat()},
        format="json",
    )
    cancelled = api.post("/api/v1/service/link/cancel", {"token": token}, format="json")
    forged = api.post("/api/v1/service/link/cancel", {"token": token + "x"}, format="json")

    assert read.json()["id"] == str(made.pk)
    assert moved.status_code == 200 and moved.json()["start_time"].startswith(
        local_at(showroom, 15).date().isoformat()
    )
    assert cancelled.json()["status"] == "cancelled"
    assert forged.json()["error"]["code"] == "link_invalid"
    made.refresh_from_db()
    assert made.status == BookingStatus.CANCELLED
    assert made.start_time == local_at(showroom, 15)
    assert list(
        OutboxEvent.objects.filter(aggregate_id=made.pk)
        .order_by("created_at")
        .values_list("type", flat=True)
    ) == ["service_booking.created", "service_booking.rescheduled", "service_booking.cancelled"]


def test_the_customer_lists_reschedules_and_cancels_their_own(showroom):
    client, other = UserFactory(), UserFactory()
    booking = booking_make(client, showroom)
    booking_make(other, showroom)
    api = client_for(client)

    listed = api.get(URL).json()["results"]
    moved = api.post(
        f"{URL}{booking.pk}/reschedule",
        {"start_time": local_at(showroom, 11).isoformat()},
        format="json",
    )
    cancelled = api.post(f"{URL}{booking.pk}/cancel")
    again = api.post(f"{URL}{booking.pk}/cancel")

    assert [row["id"] for row in listed] == [str(booking.pk)]
    assert moved.status_code == 200, moved.content
    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 409
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert client_for(other).post(f"{URL}{booking.pk}/cancel").status_code == 404


def test_staff_see_and_act_on_their_showrooms_bookings_only(showroom):
    elsewhere = service_showroom_make()
    here = booking_make(UserFactory(), showroom)
    there = booking_make(UserFactory(), elsewhere)
    manager = UserFactory(role="manager", showroom_ids=[showroom.pk])
    api = client_for(manager)

    listed = {row["id"] for row in api.get(URL).json()["results"]}

    assert listed == {str(here.pk)}
    assert api.post(f"{URL}{there.pk}/cancel").status_code == 404
    # Another's booking is not there, whatever the body says.
    assert api.post(f"{URL}{there.pk}/reschedule", {}).status_code == 404
    assert api.post(f"{URL}{here.pk}/cancel").status_code == 200
    there.refresh_from_db()
    assert there.status == BookingStatus.BOOKED


def test_a_menu_of_one_make_is_not_booked_for_a_vin_of_another(showroom):
    menu = menu_make()  # Lada Vesta's ТО-1
    api = client_for(UserFactory(role="client"))
    start = local_at(showroom, 10)

    kia = api.post(
        URL, body(showroom, start, menu_id=str(menu.pk), vin="KNAGH41BBH5012345"), format="json"
    )

    assert kia.status_code == 400, kia.content
    assert kia.json()["error"]["code"] == "menu_not_for_car"
    assert "menu_id" in kia.json()["error"]["details"]
    assert not Booking.objects.exists()
    unknown = api.post(  # a manufacturer the decoding does not know: taken at its word
        URL, body(showroom, start, menu_id=str(menu.pk), vin="ZZZ21900000000001"), format="json"
    )
    assert unknown.status_code == 201, unknown.content
    booked = Booking.objects.get()
    assert (booked.vin, booked.menu_id) == ("ZZZ21900000000001", menu.pk)
