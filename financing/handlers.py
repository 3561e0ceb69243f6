"""The financing domain's reactions to other domains' events."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from common.events import TypedEvent, consumer
from financing import services

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from orders.events import OrderCancelled, OrderStatusChanged
    from payments.events import (
        PaymentCompleted,
        PaymentDeskRecorded,
        PaymentLoanOverpaymentHeld,
        PaymentRefunded,
        PaymentTradeInRecorded,
    )
    from tradein.events import TradeInPayload


@consumer("order.cancelled", name="financing.withdraw_on_order_cancelled", app_label="financing")
def withdraw_on_order_cancelled(event: TypedEvent[OrderCancelled]) -> None:
    services.order_applications_withdraw(order_id=event.aggregate_id)


@consumer("order.status_changed", name="financing.withdraw_on_order_paid", app_label="financing")
def withdraw_on_order_paid(event: TypedEvent[OrderStatusChanged]) -> None:
    """Paid in full by other money: the order's loans not paid out are not needed
    (docs/deal.md, "Never paid past the total")."""
    if event.payload.status == "paid":
        services.order_paid_applications_withdraw(
            order_id=event.aggregate_id, paid_at=event.occurred
        )


@consumer(
    "payment.loan_overpayment_held",
    name="financing.note_overpaid_loan",
    app_label="financing",
)
def note_overpaid_loan(event: TypedEvent[PaymentLoanOverpaymentHeld]) -> None:
    """The lender's money arrived for an order already paid: held for it (docs/deal.md)."""
    services.application_overpaid_note(
        application_id=event.payload.loan_application_id, amount=Decimal(event.payload.amount)
    )


@consumer(
    {
        "payment.completed": "financing.note_paid_on_payment",
        "payment.refunded": "financing.note_paid_on_refund",
        "payment.trade_in_recorded": "financing.note_paid_on_trade_in",
        "payment.desk_recorded": "financing.note_paid_at_desk",
    },
    app_label="financing",
)
def note_order_paid(
    event: TypedEvent[
        PaymentCompleted | PaymentRefunded | PaymentTradeInRecorded | PaymentDeskRecorded
    ],
) -> None:
    """The down payment is in when what the order received covers it (docs/deal.md)."""
    report = event.payload
    if report.payable_kind != "order":
        return
    services.order_paid_note(
        order_id=report.payable_id,
        paid_amount=Decimal(report.payable_paid_amount),
        version=report.payable_paid_version,
    )


@consumer(
    {
        f"trade_in.{step}": f"financing.note_trade_in_{step}"
        for step in ("offered", "accepted", "inspected", "cancelled")
    },
    app_label="financing",
)
def note_trade_in(event: TypedEvent[TradeInPayload]) -> None:
    """An accepted trade-in counts in the order's down payment (docs/tradein.md)."""
    trade_in = event.payload
    if trade_in.order_id:
        accepted = trade_in.status == "accepted" and trade_in.amount
        services.trade_in_credit_note(
            order_id=trade_in.order_id,
            credit=Decimal(trade_in.amount) if accepted and trade_in.amount else Decimal("0.00"),
            reported_at=event.occurred,
        )
