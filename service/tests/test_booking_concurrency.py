"""Two bookings for one bay's slot at once: one wins, the other is told 409 `slot_taken`. Two
words on one proposed job at once: one is taken, the other is told 409 `line_decided`. Two work
orders reserving the last unit of a part: one gets it, the other is told 409 `part_out_of_stock`."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from common.api.exceptions import ApplicationError
from conftest import run_concurrently
from service import services
from service.choices import Channel, LineKind
from service.models import Booking, OutboxEvent, PartStock, WorkOrderLine
from service.tests.factories import local_at, service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


@pytest.mark.parametrize("hour", [10, 11, 12, 13, 14])
def test_two_bookings_of_the_last_bay_at_once_one_wins(hour):
    # Raced five times: two inserts into one bay may deadlock in the constraint's check,
    # and the one PostgreSQL ends is told the slot is taken, never a server error.
    showroom = service_showroom_make(bays=1)
    customers = [UserFactory(), UserFactory()]
    start = local_at(showroom, hour)
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


def test_two_words_on_one_proposed_job_at_once_one_is_taken():
    showroom = service_showroom_make()
    advisor = UserFactory(role="manager", showroom_ids=[showroom.pk])
    customer = UserFactory()
    work_order = work_order_make(advisor, customer, showroom)
    services.work_order_sign(user=customer, work_order_id=work_order.pk, channel=Channel.SITE)
    services.work_order_start(user=advisor, work_order_id=work_order.pk)
    line = services.line_add(
        user=advisor,
        work_order_id=work_order.pk,
        kind=LineKind.LABOUR,
        name="Замена сайлентблоков",
        norm_hours=Decimal("2"),
    )
    words = iter([True, False])

    def decide():
        try:
            decided = services.line_decide(
                user=customer,
                work_order_id=work_order.pk,
                line_id=line.pk,
                approve=next(words),
                channel=Channel.SITE,
            )
        except ApplicationError as exc:
            return exc.http_status, exc.code
        return 200, decided.state

    results = run_concurrently(2, decide)

    assert sorted(status for status, _ in results) == [200, 409], results
    assert [code for status, code in results if status == 409] == ["line_decided"]
    assert OutboxEvent.objects.filter(type="work_order.line_decided").count() == 1


def test_two_work_orders_reserving_the_last_unit_of_a_part_one_gets_it():
    showroom = service_showroom_make(bays=2)
    advisor = UserFactory(role="manager", showroom_ids=[showroom.pk])
    orders = [work_order_make(advisor, UserFactory(), showroom) for _ in range(2)]
    part = services.part_create(
        number="04465-33471", manufacturer="Toyota", name="Колодки", price=Decimal("4500")
    )
    services.stock_receive(showroom_id=showroom.pk, part_id=part.pk, quantity=Decimal("1"))
    turn = iter(orders)

    def reserve():
        try:
            line = services.line_add(
                user=advisor, work_order_id=next(turn).pk, kind=LineKind.PART, part_id=part.pk
            )
        except ApplicationError as exc:
            return exc.http_status, exc.code
        return 201, line.stock

    results = run_concurrently(2, reserve)

    assert sorted(results) == [(201, "reserved"), (409, "part_out_of_stock")], results
    stock = PartStock.objects.get(part=part, showroom_id=showroom.pk)
    assert (stock.on_hand, stock.reserved) == (Decimal("1"), Decimal("1"))
    assert WorkOrderLine.objects.filter(part=part).count() == 1
