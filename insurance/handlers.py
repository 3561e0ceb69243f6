"""The insurance domain's reactions to other domains' events."""

from decimal import Decimal

from common.events import Event, consumer
from insurance import services


@consumer(
    "order.cancelled", name="insurance.cancel_quotes_of_cancelled_order", app_label="insurance"
)
def cancel_insurance_of_cancelled_order(event: Event) -> None:
    services.order_insurance_cancel(order_id=event.aggregate_id)


@consumer("payment.completed", name="insurance.note_premium_paid", app_label="insurance")
@consumer("payment.refunded", name="insurance.note_premium_refunded", app_label="insurance")
def note_premium_paid(event: Event) -> None:
    """A policy is active once payments reports its premium received (docs/deal.md)."""
    report = event.payload
    if report["payable_kind"] != "policy":
        return
    services.policy_premium_paid(
        policy_id=report["payable_id"],
        paid_amount=Decimal(report["payable_paid_amount"]),
        version=report["payable_paid_version"],
    )
