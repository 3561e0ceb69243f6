"""The service department's events on the customer's CRM timeline (docs/service.md, "The
CRM's timeline"): a booking made, moved and cancelled, a work order opened and moved, its
extra work proposed and decided, and its warranty claim, each one entry on the client of the
customer's account, in the dealership's language; a booker without an account has no client
to file anything under."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from common.events import delivery, types
from crm.handlers import FEEDS, consumer_name
from crm.models import Activity, Client
from service import services
from service.choices import Channel
from service.models import OutboxEvent, WarrantyClaim
from service.tests.factories import (
    booking_make,
    local_at,
    service_showroom_make,
    work_order_make,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def deliver_the_services_events() -> int:
    """Every event of the service's outbox that the CRM consumes, delivered to its consumer in
    this process, oldest first; how many were new to it."""
    delivered = 0
    for row in OutboxEvent.objects.filter(type__in=FEEDS).order_by("created_at", "id"):
        event = types.event_from_outbox_row(row, "service").as_dict()
        delivered += bool(delivery.deliver(consumer_name(row.type), event))
    return delivered


def test_a_customers_service_story_is_on_their_timeline_once(settings):
    settings.DEALERSHIP_LANGUAGE = "ru"
    showroom = service_showroom_make(bays=2)
    staff = UserFactory(role="manager", showroom_ids=[showroom.pk])
    customer = UserFactory(role="client", full_name="Анна Петрова")
    moved = booking_make(customer, showroom, local_at(showroom, 10, days=3))
    services.booking_reschedule(
        booking_id=moved.pk, start_time=local_at(showroom, 11, days=3), user=customer
    )
    services.booking_cancel(booking_id=moved.pk, user=customer)
    work_order = work_order_make(staff, customer, showroom)
    services.line_add(
        user=staff,
        work_order_id=work_order.pk,
        kind="labour",
        name="Замена датчика по гарантии",
        norm_hours=Decimal("1"),
        pay_type="warranty",
    )
    services.work_order_sign(user=customer, work_order_id=work_order.pk, channel=Channel.SITE)
    services.work_order_start(user=staff, work_order_id=work_order.pk)
    proposed = services.line_add(
        user=staff,
        work_order_id=work_order.pk,
        kind="labour",
        name="Замена сайлентблоков",
        norm_hours=Decimal("2"),
    )
    services.line_decide(
        user=customer,
        work_order_id=work_order.pk,
        line_id=proposed.pk,
        approve=False,
        channel=Channel.SITE,
    )
    services.work_order_complete(user=staff, work_order_id=work_order.pk)
    claim = WarrantyClaim.objects.get(work_order=work_order)
    services.warranty_claim_move(user=staff, claim_id=claim.pk, status="submitted", note="")
    work_order_make(staff, None, showroom)  # a car driven in by someone without an account

    written = deliver_the_services_events()

    client = Client.objects.get(user_id=customer.pk)
    entries = list(Activity.objects.filter(client=client).order_by("occurred_at", "created_at"))
    assert len(entries) == 14
    assert written == 15  # and the order of no account, consumed with nothing to write
    assert deliver_the_services_events() == 0  # a second delivery writes nothing
    assert Activity.objects.count() == 14  # the customer without an account has no client
    number = work_order.number
    by_kind = [(entry.kind, entry.source_type) for entry in entries]
    assert by_kind == [
        ("service_booking", "service_booking"),  # booked
        ("service_booking", "service_booking"),  # moved
        ("service_booking", "service_booking"),  # cancelled
        ("service_booking", "service_booking"),  # the booking the order was opened from
        ("work_order", "work_order"),  # opened
        ("work_order", "work_order"),  # signed
        ("work_order", "work_order"),  # in work
        ("work_order", "work_order_line"),  # proposed
        ("work_order", "work_order"),  # waiting for the customer
        ("work_order", "work_order_line"),  # declined
        ("work_order", "work_order"),  # back in work
        ("work_order", "work_order"),  # done
        ("warranty_claim", "warranty_claim"),  # opened
        ("warranty_claim", "warranty_claim"),  # submitted
    ]
    summaries = [entry.summary for entry in entries]
    assert summaries[0].startswith("Записался в сервис на ")
    assert summaries[2].startswith("Запись в сервис на ") and summaries[2].endswith(" отменена")
    assert summaries[4] == f"Открыт заказ-наряд {number}"
    assert summaries[5] == f"Заказ-наряд {number}: черновик → подписан"
    assert summaries[7] == f"Доп. работа на 5\xa0000,00\xa0₽ по {number}: предложена"
    assert summaries[9] == f"Доп. работа на 5\xa0000,00\xa0₽ по {number}: отклонена"
    assert summaries[11] == (
        f"Заказ-наряд {number}: в работе → выполнен; к оплате 7\xa0350,00\xa0₽"
    )
    assert summaries[12] == "Открыта гарантийная претензия к Lada на 2\xa0500,00\xa0₽"
    assert summaries[13] == (
        "Гарантийная претензия к Lada на 2\xa0500,00\xa0₽: отправлена производителю"
    )
    assert entries[4].source_id == str(work_order.pk)
    assert entries[7].source_id == str(proposed.pk)
    assert entries[12].source_id == str(claim.pk)
    assert str(client.showroom_id) == str(showroom.pk)  # a lead of none goes to the showroom
