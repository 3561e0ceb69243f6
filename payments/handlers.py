"""The payments domain's reactions to other domains' events."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from common.events import TypedEvent, consumer
from common.queueing import task_queue
from payments import services
from payments.choices import TransactionType
from payments.events import PaymentCreated, PaymentProviderNotified
from payments.services import notifications

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from financing.events import (
        LoanApplicationApproved,
        LoanApplicationDisbursed,
        LoanApplicationDiscounted,
        LoanApplicationReturned,
        LoanApplicationWithdrawn,
    )
    from insurance.events import (
        InsurancePolicyCancelled,
        InsurancePolicyLapsed,
        InsurancePolicyPurchased,
    )
    from orders.events import OrderCancelled, OrderStatusChanged
    from service.events import WorkOrderStatusChanged
    from showroom.events import (
        EventRegistrationCancelled,
        EventRegistrationCreated,
        EventRegistrationStatusChanged,
    )
    from tradein.events import TradeInPayload


@consumer("order.cancelled", name="payments.settle_cancelled_order", app_label="payments")
def settle_cancelled_order(event: TypedEvent[OrderCancelled]) -> None:
    services.payable_settle_cancelled(
        payable_id=event.aggregate_id,
        order_id=event.aggregate_id,
        customer_id=event.payload.customer_id,
        total_amount=Decimal(event.payload.total_amount),
        currency=event.payload.currency,
    )


@consumer("order.status_changed", name="payments.settle_handed_over_order", app_label="payments")
def settle_handed_over_order(event: TypedEvent[OrderStatusChanged]) -> None:
    """Completed: the goods are handed over, and the settlement receipt closes what was
    prepaid for them (docs/payments.md, "Fiscal receipts"), in a task: it calls the
    provider."""
    if event.payload.status == "completed":
        _settlement_queue(event.payload.id)


@consumer("work_order.status_changed", name="payments.settle_handed_over_car", app_label="payments")
def settle_handed_over_car(event: TypedEvent[WorkOrderStatusChanged]) -> None:
    """A serviced car handed over: its works are rendered, and the settlement receipt closes
    what was prepaid for them (docs/service.md, "Payment")."""
    if event.payload.status == "handed_over":
        _settlement_queue(event.payload.id)


def _settlement_queue(payable_id: str) -> None:
    transaction.on_commit(
        lambda: task_queue("payments.tasks.settlement_receipt_task", payable_id),
        using="payments",
        robust=True,
    )


@consumer(
    {
        f"trade_in.{step}": f"payments.note_trade_in_{step}"
        for step in ("offered", "accepted", "inspected", "cancelled")
    },
    app_label="payments",
)
def note_trade_in(event: TypedEvent[TradeInPayload]) -> None:
    """An order's trade-in: a credit expected once accepted, recorded once inspected, none
    once offered again or cancelled (docs/tradein.md)."""
    trade_in = event.payload
    if trade_in.order_id:
        services.trade_in_note(
            order_id=trade_in.order_id,
            trade_in_id=trade_in.id,
            customer_id=trade_in.customer_id,
            status=trade_in.status,
            amount=Decimal(trade_in.amount) if trade_in.amount else None,
            currency=trade_in.currency,
            reported_at=event.occurred,
        )


@consumer("payment.created", name="payments.process_created_payment", app_label="payments")
def process_created_payment(event: TypedEvent[PaymentCreated]) -> None:
    """Processing starts from the payment's own outbox row: the charge is a network call,
    so it runs in a task after this delivery commits (and the sweep picks up a payment whose
    task was lost)."""
    payment_id = event.aggregate_id
    transaction.on_commit(
        lambda: services.payment_process_enqueue(payment_id), using="payments", robust=True
    )


@consumer(
    "payment.provider_notified", name="payments.apply_provider_notification", app_label="payments"
)
def apply_provider_notification(event: TypedEvent[PaymentProviderNotified]) -> None:
    """The provider is asked about the notified object in a task, after this commits."""
    notification_id = event.aggregate_id
    transaction.on_commit(
        lambda: notifications.provider_notification_enqueue(notification_id),
        using="payments",
        robust=True,
    )


@consumer(
    {
        "event.registration.created": "payments.note_new_registration",
        "event.registration.status_changed": "payments.note_registration_status",
        "event.registration.cancelled": "payments.settle_cancelled_registration",
    },
    app_label="payments",
)
def note_registration(
    event: TypedEvent[
        EventRegistrationCreated | EventRegistrationStatusChanged | EventRegistrationCancelled
    ],
) -> None:
    """A seat at a paid event is paid like an order: payments learns of it from the
    showroom's events, never by reading the showroom."""
    services.registration_reported(event.payload)


@consumer(
    {
        "insurance_policy.purchased": "payments.note_policy_premium",
        "insurance_policy.lapsed": "payments.settle_lapsed_policy",
    },
    app_label="payments",
)
def note_policy(event: TypedEvent[InsurancePolicyPurchased | InsurancePolicyLapsed]) -> None:
    """A policy's premium is paid like an order (docs/deal.md, "Insurance"): payments learns
    of it from insurance's events, never by reading insurance."""
    services.policy_reported(event.payload)


@consumer(
    "insurance_policy.cancelled", name="payments.refund_cancelled_policy", app_label="payments"
)
def refund_cancelled_policy(event: TypedEvent[InsurancePolicyCancelled]) -> None:
    """The unused premium of a paid policy goes back through the premium's payments."""
    report = event.payload
    if report.refund_amount is not None and Decimal(report.refund_amount) > 0:
        services.policy_premium_refund(
            policy_id=report.id,
            amount=Decimal(report.refund_amount),
            reason=f"Policy {report.number} cancelled: the unused premium.",
        )


@consumer(
    {
        "loan_application.approved": "payments.note_approved_loan",
        "loan_application.withdrawn": "payments.note_withdrawn_loan",
        "loan_application.discounted": "payments.note_discounted_loan",
    },
    app_label="payments",
)
def note_loan(
    event: TypedEvent[
        LoanApplicationApproved | LoanApplicationWithdrawn | LoanApplicationDiscounted
    ],
) -> None:
    """An approved loan is to pay what the down payment leaves: customers pay only that.
    A credit discount lowers it after orders has lowered the price (docs/deal.md)."""
    report = event.payload
    services.order_financing_note(
        order_id=report.order_id,
        application_id=report.id,
        customer_id=report.customer_id,
        status=report.status,
        amount=Decimal(report.amount),
        currency=report.currency,
        reported_at=event.occurred,
    )


@consumer(
    {
        "loan_application.disbursed": "payments.record_disbursement",
        "loan_application.returned": "payments.record_loan_return",
    },
    app_label="payments",
)
def record_loan_money(
    event: TypedEvent[LoanApplicationDisbursed | LoanApplicationReturned],
) -> None:
    """The lender's money is recorded in the ledger against the order, once."""
    report = event.payload
    if report.disbursement_reference is None:  # the lender's money moves under its reference
        raise ValueError(f"{event.type} {event.id} carries no disbursement reference")
    services.loan_record(
        order_id=report.order_id,
        application_id=report.id,
        customer_id=report.customer_id,
        type=TransactionType.LOAN_DISBURSEMENT
        if event.type == "loan_application.disbursed"
        else TransactionType.LOAN_RETURN,
        amount=Decimal(report.amount),
        currency=report.currency,
        reference=report.disbursement_reference,
    )
