"""The showroom's own clock and days off, and the phone code's limits."""

from datetime import time, timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from service import services
from service.models import PhoneCode
from service.tests.factories import booking_make, local_at, service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_slots_are_on_the_showrooms_own_clock_and_none_on_its_day_off():
    hours = [(time(9), time(18))] * 6 + [None]  # closed on Sundays
    showroom = service_showroom_make(time_zone="Asia/Yekaterinburg", hours=hours)
    day = local_at(showroom, 9).date()
    sunday = day + timedelta(days=(6 - day.weekday()) or 7)

    slots = services.slots_free(showroom_id=showroom.pk, day=day)

    if day.weekday() != 6:
        assert slots[0][0] == local_at(showroom, 9)
        assert slots[0][0].utcoffset() == timedelta(hours=5)
        assert slots[-1][1] == local_at(showroom, 18)
    assert services.slots_free(showroom_id=showroom.pk, day=sunday) == []


def test_a_booking_on_a_day_off_is_refused():
    showroom = service_showroom_make(hours=[None] * 7)

    with pytest.raises(ApplicationError) as refused:
        booking_make(UserFactory(), showroom)

    assert refused.value.code == "slot_invalid"


def test_a_code_is_refused_after_its_tries_and_once_expired(settings):
    settings.SERVICE_PHONE_CODE_ATTEMPTS = 2
    phone = "+79161234567"
    sent: list[str] = []
    with mock.patch(
        "notifications.sms.ConsoleBackend.send",
        side_effect=lambda *, phone, text: sent.append(text[-6:]) or "",
    ):
        phone_code = services.phone_code_send(phone=phone)
        fresh = services.phone_code_send(phone=phone)
    right, fresh_code = sent

    for _ in range(2):
        with pytest.raises(ApplicationError):
            services.phone_code_check(phone_code_id=phone_code.pk, phone=phone, code="wrong")
    phone_code.refresh_from_db()
    assert phone_code.attempts == 2
    with pytest.raises(ApplicationError):  # even the right code now: no try left
        services.phone_code_check(phone_code_id=phone_code.pk, phone=phone, code=right)
    phone_code.refresh_from_db()
    assert phone_code.attempts == 2  # a refusal for no tries left counts none

    with pytest.raises(ApplicationError):  # another phone's code
        services.phone_code_check(phone_code_id=fresh.pk, phone="+79990000000", code=fresh_code)
    later = timezone.now() + timedelta(seconds=601)
    with time_machine.travel(later), pytest.raises(ApplicationError) as expired:
        services.phone_code_check(phone_code_id=fresh.pk, phone=phone, code=fresh_code)
    assert expired.value.code == "phone_code_invalid"
    services.phone_code_check(phone_code_id=fresh.pk, phone=phone, code=fresh_code)  # in time


def test_one_phone_gets_at_most_its_codes_an_hour_whoever_asks(settings):
    settings.SERVICE_PHONE_CODES_PER_HOUR = 2
    phone = "+79161230000"
    with mock.patch("notifications.sms.ConsoleBackend.send", return_value="") as texts:
        for _ in range(2):
            services.phone_code_send(phone=phone)
        with pytest.raises(ApplicationError) as refused:
            services.phone_code_send(phone=phone)
        services.phone_code_send(phone="+79161230001")  # another phone is not held back

        assert refused.value.code == "phone_codes_exhausted"
        assert texts.call_count == 3
        assert PhoneCode.objects.filter(phone=phone).count() == 2
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            services.phone_code_send(phone=phone)  # an hour later, one more
        assert PhoneCode.objects.filter(phone=phone).count() == 3
