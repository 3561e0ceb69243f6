"""The showroom's reactions to other domains' events."""

from decimal import Decimal

from common.events import Event, consumer
from showroom import services


@consumer("payment.completed", name="showroom.confirm_paid_registration", app_label="showroom")
def confirm_paid_registration(event: Event) -> None:
    if event.payload["payable_kind"] != "registration":
        return  # the payment of something else (an order, a premium)
    services.registration_paid(
        registration_id=event.payload["payable_id"],
        paid_amount=Decimal(event.payload["payable_paid_amount"]),
    )
