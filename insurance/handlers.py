"""The insurance domain's reactions to other domains' events."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from common.events import TypedEvent, consumer
from insurance import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from financing.events import LoanApplicationDisbursed
    from orders.events import OrderCancelled, OrderStatusChanged
    from payments.events import PaymentCompleted, PaymentRefunded


@consumer(
    "order.cancelled", name="insurance.cancel_quotes_of_cancelled_order", app_label="insurance"
)
def cancel_insurance_of_cancelled_order(event: TypedEvent[OrderCancelled]) -> None:
    services.order_insurance_cancel(order_id=event.aggregate_id)


@consumer("payment.completed", name="insurance.note_premium_paid", app_label="insurance")
@consumer("payment.refunded", name="insurance.note_premium_refunded", app_label="insurance")
def note_premium_paid(event: TypedEvent[PaymentCompleted | PaymentRefunded]) -> None:
    """A policy is active once payments reports its premium received (docs/deal.md)."""
    report = event.payload
    if report.payable_kind != "policy":
        return
    services.policy_premium_paid(
        policy_id=report.payable_id,
        paid_amount=Decimal(report.payable_paid_amount),
        version=report.payable_paid_version,
    )


@consumer("order.status_changed", name="insurance.note_car_paid", app_label="insurance")
def note_car_paid(event: TypedEvent[OrderStatusChanged]) -> None:
    """A policy's cover starts once its car is paid for (docs/deal.md, "Insurance")."""
    if event.payload.status == "paid":
        services.order_policies_car_paid(order_id=event.payload.id)


@consumer(
    "loan_application.disbursed", name="insurance.note_car_paid_by_loan", app_label="insurance"
)
def note_car_paid_by_loan(event: TypedEvent[LoanApplicationDisbursed]) -> None:
    """The lender paid for the car: its policies' cover starts."""
    services.order_policies_car_paid(order_id=event.payload.order_id)
