"""The showroom's reactions to other domains' events."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from common.events import TypedEvent, consumer
from showroom import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from payments.events import PaymentCompleted


@consumer("payment.completed", name="showroom.confirm_paid_registration", app_label="showroom")
def confirm_paid_registration(event: TypedEvent[PaymentCompleted]) -> None:
    if event.payload.payable_kind != "registration":
        return  # the payment of something else (an order, a premium)
    services.registration_paid(
        registration_id=event.payload.payable_id,
        paid_amount=Decimal(event.payload.payable_paid_amount),
    )
