"""The orders domain's reactions to other domains' events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from common.events import TypedEvent, consumer, contract
from orders import services
from orders.choices import LinkKind

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from accounts.events import UserContactChanged, UserDeleted
    from financing.events import LoanApplicationRejected, LoanApplicationWithdrawn
    from payments.events import (
        PaymentCompleted,
        PaymentDeskRecorded,
        PaymentLoanRecorded,
        PaymentRefunded,
        PaymentTradeInRecorded,
    )


@consumer("user.contact_changed", name="orders.refresh_customer_snapshot", app_label="orders")
def refresh_customer_snapshot(event: TypedEvent[UserContactChanged]) -> None:
    services.order_customer_refresh(
        customer_id=event.aggregate_id,
        email=event.payload.email,
        full_name=event.payload.full_name,
        as_of=datetime.fromisoformat(event.payload.updated_at),
    )


@consumer("user.deleted", name="orders.scrub_deleted_customer", app_label="orders")
def scrub_deleted_customer(event: TypedEvent[UserDeleted]) -> None:
    services.order_customer_scrub(customer_id=event.aggregate_id)


@consumer(
    {
        "payment.completed": "orders.paid_amount_on_payment_completed",
        "payment.refunded": "orders.paid_amount_on_payment_refunded",
        "payment.loan_recorded": "orders.paid_amount_on_loan_recorded",
        "payment.trade_in_recorded": "orders.paid_amount_on_trade_in_recorded",
        "payment.desk_recorded": "orders.paid_amount_on_desk_recorded",
    },
    app_label="orders",
)
def paid_amount_from_payments(
    event: TypedEvent[
        PaymentCompleted
        | PaymentRefunded
        | PaymentLoanRecorded
        | PaymentTradeInRecorded
        | PaymentDeskRecorded
    ],
) -> None:
    """Payments is the source of truth for money: its event reports what the order has
    received (captured payments net of refunds, the lender's disbursements net of returns)
    and the version of that figure."""
    if event.payload.payable_kind != "order":
        return  # the payment of something else (a showroom seat, a premium)
    services.order_paid_amount_set(
        order_id=event.payload.payable_id,
        paid_amount=Decimal(event.payload.payable_paid_amount),
        version=event.payload.payable_paid_version,
    )


@consumer(
    {
        "loan_application.withdrawn": "orders.credit_discount_back_on_withdrawn_loan",
        "loan_application.rejected": "orders.credit_discount_back_on_rejected_loan",
    },
    app_label="orders",
)
def credit_discount_back(
    event: TypedEvent[LoanApplicationWithdrawn | LoanApplicationRejected],
) -> None:
    """A loan not taken: the credit discount it earned goes back into the price (docs/deal.md,
    "The credit discount"). Financing took it off before the loan went to the banks."""
    services.order_credit_discount_return(
        order_id=UUID(event.payload.order_id), loan_id=UUID(event.payload.id)
    )


# What other domains report about an order: noted as a link, pushed to the live feed. Every
# such event's payload carries id, order_id, status, amount and currency.
LINKED_EVENTS = {
    "payment.created": LinkKind.PAYMENT,
    "payment.requires_action": LinkKind.PAYMENT,
    "payment.completed": LinkKind.PAYMENT,
    "payment.failed": LinkKind.PAYMENT,
    "payment.refunded": LinkKind.PAYMENT,
    "loan_application.submitted": LinkKind.LOAN_APPLICATION,
    "loan_application.approved": LinkKind.LOAN_APPLICATION,
    "loan_application.rejected": LinkKind.LOAN_APPLICATION,
    "loan_application.withdrawn": LinkKind.LOAN_APPLICATION,
    "loan_application.discounted": LinkKind.LOAN_APPLICATION,
    "loan_application.sent_to_lender": LinkKind.LOAN_APPLICATION,
    "loan_application.disbursed": LinkKind.LOAN_APPLICATION,
    "loan_application.returned": LinkKind.LOAN_APPLICATION,
    "payment.loan_overpayment_held": LinkKind.LOAN_APPLICATION,
    "insurance_quote.created": LinkKind.INSURANCE_QUOTE,
    "insurance_quote.cancelled": LinkKind.INSURANCE_QUOTE,
    "insurance_policy.purchased": LinkKind.INSURANCE_POLICY,
    "insurance_policy.activated": LinkKind.INSURANCE_POLICY,
    "insurance_policy.lapsed": LinkKind.INSURANCE_POLICY,
    "insurance_policy.cancelled": LinkKind.INSURANCE_POLICY,
    "insurance_policy.claim.filed": LinkKind.INSURANCE_CLAIM,
    "insurance_policy.claim.decided": LinkKind.INSURANCE_CLAIM,
    **dict.fromkeys(
        (
            "trade_in.submitted",
            "trade_in.offered",
            "trade_in.accepted",
            "trade_in.inspected",
            "trade_in.completed",
            "trade_in.cancelled",
        ),
        LinkKind.TRADE_IN,
    ),
}


# A link's status where the event's own says less: a loan with the lender is still approved.
LINK_STATUS = {
    "loan_application.sent_to_lender": "sent_to_lender",
    "payment.loan_overpayment_held": "overpaid",  # the loan paid nothing: held to return
}
# The record a link is of, where the event is about another (a ledger row of the loan).
LINK_RECORD = {"payment.loan_overpayment_held": "loan_application_id"}


# One handler for every linked type: it reads the payload's JSON (docs/events.md). Each type's
# consumer is named after the name the type first had (`contract.first_name`), which its inbox
# rows keep through a rename (docs/events.md, "Names").
@consumer(
    {
        event_type: f"orders.note_{contract.first_name(event_type).replace('.', '_')}"
        for event_type in LINKED_EVENTS
    },
    app_label="orders",
    reads_json=True,
)
def note_link(event: TypedEvent[Any]) -> None:
    report = event.payload
    if report.get("payable_kind", "order") != "order" or not report.get("order_id"):
        return  # a payment of something else (a showroom seat, a premium), a lone trade-in
    kind = LINKED_EVENTS[event.type]
    status: str = LINK_STATUS.get(event.type) or report["status"]
    # A policy's link keeps its price; whether it is paid, its status says (docs/deal.md).
    amount = report["premium"] if kind == LinkKind.INSURANCE_POLICY else report.get("amount")
    record = report[LINK_RECORD.get(event.type, "id")]
    notes: list[tuple[str, str, str, str | None]] = [(kind, record, status, amount)]
    if event.type == "insurance_policy.purchased":  # the policy's event is also its quote's end
        notes.append((LinkKind.INSURANCE_QUOTE, report["quote_id"], "purchased", report["premium"]))
    refunded = report.get("refunded_amount") if kind == LinkKind.PAYMENT else None
    for link_kind, reference_id, link_status, link_amount in notes:
        services.order_link_note(
            order_id=report["order_id"],
            kind=link_kind,
            reference_id=reference_id,
            status=link_status,
            amount=None if link_amount is None else Decimal(link_amount),
            refunded_amount=None if refunded is None else Decimal(refunded),
            currency=report.get("currency", ""),
            reported_at=event.occurred,
            event=event.type,
        )
