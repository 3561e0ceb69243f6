"""The showroom's reactions to other domains' events."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from accounts.choices import ConsentPurpose
from common.events import TypedEvent, consumer
from showroom import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from accounts.events import ConsentWithdrawn
    from payments.events import PaymentCompleted


@consumer("payment.completed", name="showroom.confirm_paid_registration", app_label="showroom")
def confirm_paid_registration(event: TypedEvent[PaymentCompleted]) -> None:
    if event.payload.payable_kind != "registration":
        return  # the payment of something else (an order, a premium)
    services.registration_paid(
        registration_id=event.payload.payable_id,
        paid_amount=Decimal(event.payload.payable_paid_amount),
    )


@consumer("consent.withdrawn", name="showroom.stop_for_withdrawn_consent", app_label="showroom")
def stop_for_withdrawn_consent(event: TypedEvent[ConsentWithdrawn]) -> None:
    """A withdrawn consent to test drives or to events, or the account's own: the person's
    bookings still to come are given up (docs/storefront.md, "Personal data")."""
    purpose, user_id = event.payload.purpose, event.payload.user_id
    if purpose in (ConsentPurpose.TEST_DRIVE, ConsentPurpose.ACCOUNT):
        services.test_drives_cancel_upcoming(user_id=user_id)
    if purpose in (ConsentPurpose.EVENTS, ConsentPurpose.ACCOUNT):
        services.registrations_cancel_upcoming(user_id=user_id)
