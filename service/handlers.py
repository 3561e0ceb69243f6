"""The service department's reactions to other apps' events (docs/service.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from common.events import TypedEvent, consumer
from service import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from payments.events import PaymentCompleted, PaymentRefunded


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
