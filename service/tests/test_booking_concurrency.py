"""Two bookings for one bay's slot at once: one wins, the other is told 409 `slot_taken`."""

import pytest

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import run_concurrently
from service import services
from service.models import Booking
from service.tests.factories import local_at, service_showroom_make

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_two_bookings_of_the_last_bay_at_once_one_wins():
    showroom = service_showroom_make(bays=1)
    customers = [UserFactory(), UserFactory()]
    start = local_at(showroom, 10)
    turn = iter(customers)

    def book():
        try:
            booking = services.booking_create(
                user=next(turn),
                showroom_id=showroom.pk,
                start_time=start,
                vin="XTA21900000000001",
                mileage_km=1000,
                complaint="Стучит",
            )
        except ApplicationError as exc:
            return exc.http_status, exc.code
        return 201, str(booking.pk)

    results = run_concurrently(2, book)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409], results
    assert [code for status, code in results if status == 409] == ["slot_taken"]
    assert Booking.objects.count() == 1
