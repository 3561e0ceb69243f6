"""The showroom's reactions to other domains' events."""

from decimal import Decimal

from common.events import Event, consumer
from showroom import services


@consumer("payment.completed", name="showroom.confirm_paid_registration", app_label="showroom")
def confirm_paid_registration(event: Event) -> None:
    if event.payload.get("kind") != "registration":
        return  # an order's payment
    services.registration_paid(
        registration_id=event.payload["registration_id"],
        paid_amount=Decimal(event.payload["order_paid_amount"]),
    )
