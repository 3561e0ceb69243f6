"""The service department's reactions to other apps' events, and to its own bookings' (the
booker told of them: docs/service.md, "Messages")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from common.events import TypedEvent, consumer
from service import services
from service.services import messages, papers

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from payments.events import PaymentCompleted, PaymentRefunded
    from service.events import (
        ServiceBookingCancelled,
        ServiceBookingCreated,
        ServiceBookingRescheduled,
        WorkOrderLineProposed,
        WorkOrderStatusChanged,
    )


@consumer("payment.completed", name="service.note_work_order_paid", app_label="service")
@consumer("payment.refunded", name="service.note_work_order_refunded", app_label="service")
def note_work_order_paid(event: TypedEvent[PaymentCompleted | PaymentRefunded]) -> None:
    """What a work order has received, as payments reports it (docs/service.md, "Payment"):
    the car goes home without a second person's leave once nothing is owed."""
    report = event.payload
    if report.payable_kind != "work_order":
        return
    services.work_order_paid(
        work_order_id=report.payable_id,
        paid_amount=Decimal(report.payable_paid_amount),
        version=report.payable_paid_version,
    )


@consumer(
    {
        "service_booking.created": "service.notify_booking_created",
        "service_booking.rescheduled": "service.notify_booking_rescheduled",
        "service_booking.cancelled": "service.notify_booking_cancelled",
    },
    app_label="service",
)
def booking_told(
    event: TypedEvent[ServiceBookingCreated | ServiceBookingRescheduled | ServiceBookingCancelled],
) -> None:
    """The booker hears of the booking made, moved or cancelled, by e-mail and SMS, with the
    showroom's address and the signed link (docs/service.md, "Messages"); nothing while
    NOTIFICATIONS_ON_EVENTS is off (`seed_demo`'s history). The deliveries are claimed in the
    notifications database, keyed by the event's id: a redelivered event tells no one twice."""
    if settings.NOTIFICATIONS_ON_EVENTS:
        messages.booking_notice_send(
            booking_id=event.payload.id,
            notice=event.type,
            key=event.id,
            start_time=datetime.fromisoformat(event.payload.start_time),
        )


@consumer("work_order.line_proposed", name="service.notify_line_proposed", app_label="service")
def line_proposed_told(event: TypedEvent[WorkOrderLineProposed]) -> None:
    """The customer hears of a job found during the work that waits for their word, by e-mail
    and SMS, with its price and the work order's signed link (docs/service.md, "Messages"):
    not of one their advance instruction decided. One message per job, keyed by the event's
    id: a redelivered event tells no one twice. Nothing while NOTIFICATIONS_ON_EVENTS is off."""
    if settings.NOTIFICATIONS_ON_EVENTS and event.payload.state == "proposed":
        messages.line_proposed_send(line_id=event.payload.id, key=event.id)


@consumer("work_order.status_changed", name="service.work_order_papers", app_label="service")
def work_order_papers(event: TypedEvent[WorkOrderStatusChanged]) -> None:
    """Signed: the acceptance act and the work order; done: the completion act and the work
    order as it ended (docs/service.md, "Papers"). A redelivered event makes no second
    paper."""
    papers.papers_issue(work_order_id=event.payload.id, status=event.payload.status)
