"""The deal's events, as the customer hears of them (docs/notifications.md, "Notices"). Each
consumer names the notice and its variables; `services.notify` claims the deliveries in the
inbox's transaction, and tasks send them after it commits. The event's id is the key, so
a redelivered event notifies no one twice."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import pgettext_lazy

from common.events import TypedEvent, consumer
from documents.choices import DocumentKind
from notifications.services import Amount, notify
from payments import selectors as payments_selectors
from showroom import selectors as showroom_selectors
from tradein import selectors as tradein_selectors

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from documents.events import OrderDocumentReady
    from financing.events import (
        LoanApplicationApproved,
        LoanApplicationDisbursed,
        LoanApplicationRejected,
    )
    from insurance.events import (
        InsurancePolicyActivated,
        InsurancePolicyClaimDecided,
        InsurancePolicyLapsed,
    )
    from orders.events import OrderCreated, OrderStatusChanged
    from payments.events import PaymentCompleted, PaymentRefunded
    from showroom.events import (
        EventRegistrationCreated,
        EventRegistrationStatusChanged,
        TestDriveBooked,
        TestDriveCancelled,
    )
    from tradein.events import TradeInPayload

INSURANCE = {
    "osago": pgettext_lazy("insurance type, short", "OSAGO"),
    "kasko": pgettext_lazy("insurance type, short", "KASKO"),
}
CLAIM_DECISIONS = {
    "approved": pgettext_lazy("claim decision", "approved"),
    "rejected": pgettext_lazy("claim decision", "rejected"),
}


def _notifying(handler: Callable[[TypedEvent[Any]], None]) -> Callable[[TypedEvent[Any]], None]:
    """Nothing is notified while NOTIFICATIONS_ON_EVENTS is off (`seed_demo`'s history)."""

    @wraps(handler)
    def wrapped(event: TypedEvent[Any]) -> None:
        if settings.NOTIFICATIONS_ON_EVENTS:
            handler(event)

    return wrapped


def of_order(order_id: str | None) -> dict[str, str]:
    """An order's number and the page the customer follows it on."""
    if not order_id:
        return {}
    return {
        "order_number": str(order_id)[:8].upper(),
        "order_url": f"{settings.SITE_URL}/account/orders/{order_id}/",
    }


# ORDERS
# ------------------------------------------------------------------------------
@consumer("order.created", name="notifications.order_created", app_label="notifications")
@_notifying
def order_created(event: TypedEvent[OrderCreated]) -> None:
    order = event.payload
    notify(
        notice="order.created",
        key=event.id,
        user_id=order.customer_id,
        order_id=order.id,
        variables={**of_order(order.id), "total": Amount(order.total_amount, order.currency)},
    )


@consumer("order.status_changed", name="notifications.order_ready", app_label="notifications")
@_notifying
def order_ready(event: TypedEvent[OrderStatusChanged]) -> None:
    """Processing: paid, and the car is being made ready to hand over."""
    order = event.payload
    if order.status == "processing":
        notify(
            notice="order.ready_for_handover",
            key=event.id,
            user_id=order.customer_id,
            order_id=order.id,
            variables=of_order(order.id),
        )


@consumer("order.document_ready", name="notifications.document_ready", app_label="notifications")
@_notifying
def document_ready(event: TypedEvent[OrderDocumentReady]) -> None:
    document = event.payload
    notify(
        notice="order.document_ready",
        key=event.id,
        user_id=document.customer_id,
        order_id=document.order_id,
        variables={
            **of_order(document.order_id),
            "document": DocumentKind(document.kind).label,
            "document_number": document.number,
        },
    )


# PAYMENTS
# ------------------------------------------------------------------------------
@consumer("payment.completed", name="notifications.payment_completed", app_label="notifications")
@_notifying
def payment_completed(event: TypedEvent[PaymentCompleted]) -> None:
    payment = event.payload
    receipts = payments_selectors.receipts_exist(payment_id=payment.id)
    notify(
        notice="payment.completed",
        key=event.id,
        user_id=payment.customer_id,
        order_id=payment.order_id,
        variables={
            **of_order(payment.order_id),
            "amount": Amount(payment.amount, payment.currency),
            "receipts_url": f"{settings.SITE_URL}/api/v1/payments/{payment.id}/receipts/"
            if receipts
            else "",
        },
    )


@consumer("payment.refunded", name="notifications.payment_refunded", app_label="notifications")
@_notifying
def payment_refunded(event: TypedEvent[PaymentRefunded]) -> None:
    payment = event.payload
    notify(
        notice="payment.refunded",
        key=event.id,
        user_id=payment.customer_id,
        order_id=payment.order_id,
        variables={
            **of_order(payment.order_id),
            "amount": Amount(payment.refund_amount, payment.currency),
        },
    )


# FINANCING AND INSURANCE
# ------------------------------------------------------------------------------
@consumer(
    "loan_application.approved", name="notifications.loan_approved", app_label="notifications"
)
@_notifying
def loan_approved(event: TypedEvent[LoanApplicationApproved]) -> None:
    loan = event.payload
    notify(
        notice="loan.approved",
        key=event.id,
        user_id=loan.customer_id,
        order_id=loan.order_id,
        variables={
            **of_order(loan.order_id),
            "amount": Amount(loan.amount, loan.currency),
            "term_months": loan.term_months,
            "monthly_payment": Amount(loan.monthly_payment, loan.currency),
            "annual_rate": loan.annual_rate,
        },
    )


@consumer(
    "loan_application.rejected", name="notifications.loan_declined", app_label="notifications"
)
@_notifying
def loan_declined(event: TypedEvent[LoanApplicationRejected]) -> None:
    loan = event.payload
    notify(
        notice="loan.declined",
        key=event.id,
        user_id=loan.customer_id,
        order_id=loan.order_id,
        variables=of_order(loan.order_id),
    )


@consumer(
    "loan_application.disbursed", name="notifications.loan_disbursed", app_label="notifications"
)
@_notifying
def loan_disbursed(event: TypedEvent[LoanApplicationDisbursed]) -> None:
    loan = event.payload
    notify(
        notice="loan.disbursed",
        key=event.id,
        user_id=loan.customer_id,
        order_id=loan.order_id,
        variables={**of_order(loan.order_id), "amount": Amount(loan.amount, loan.currency)},
    )


@consumer(
    "insurance_policy.activated", name="notifications.policy_issued", app_label="notifications"
)
@_notifying
def policy_issued(event: TypedEvent[InsurancePolicyActivated]) -> None:
    policy = event.payload
    notify(
        notice="policy.issued",
        key=event.id,
        user_id=policy.customer_id,
        order_id=policy.order_id,
        variables={
            "policy_number": policy.number,
            "insurance_type": INSURANCE[policy.insurance_type],
            "premium": Amount(policy.premium, policy.currency),
            "start_date": policy.start_date,
            "end_date": policy.end_date,
        },
    )


@consumer("insurance_policy.lapsed", name="notifications.policy_lapsed", app_label="notifications")
@_notifying
def policy_lapsed(event: TypedEvent[InsurancePolicyLapsed]) -> None:
    policy = event.payload
    notify(
        notice="policy.lapsed",
        key=event.id,
        user_id=policy.customer_id,
        order_id=policy.order_id,
        variables={
            "policy_number": policy.number,
            "insurance_type": INSURANCE[policy.insurance_type],
        },
    )


@consumer(
    "insurance_policy.claim.decided",
    name="notifications.claim_decided",
    app_label="notifications",
)
@_notifying
def claim_decided(event: TypedEvent[InsurancePolicyClaimDecided]) -> None:
    claim = event.payload
    approved = claim.amount_approved and Decimal(claim.amount_approved) > 0
    notify(
        notice="claim.decided",
        key=event.id,
        user_id=claim.customer_id,
        order_id=claim.order_id,
        variables={
            "decision": CLAIM_DECISIONS.get(claim.status, claim.status),
            "amount_approved": Amount(claim.amount_approved, claim.currency) if approved else "",
        },
    )


# THE SHOWROOM
# ------------------------------------------------------------------------------
@consumer("test_drive.booked", name="notifications.test_drive_booked", app_label="notifications")
@_notifying
def test_drive_booked(event: TypedEvent[TestDriveBooked]) -> None:
    _test_drive("test_drive.booked", key=event.id, test_drive_id=event.payload.id)


@consumer(
    "test_drive.cancelled", name="notifications.test_drive_cancelled", app_label="notifications"
)
@_notifying
def test_drive_cancelled(event: TypedEvent[TestDriveCancelled]) -> None:
    _test_drive("test_drive.cancelled", key=event.id, test_drive_id=event.payload.id)


def _test_drive(notice: str, *, key: str, test_drive_id: str) -> None:
    visit = showroom_selectors.test_drive_appointment(test_drive_id=test_drive_id)
    if visit is not None:
        notify(
            notice=notice,
            key=key,
            user_id=visit.user_id,
            variables={"vehicle": visit.title, "starts_at": visit.starts_at},
        )


@consumer("event.registration.created", name="notifications.seat_taken", app_label="notifications")
@consumer(
    "event.registration.status_changed",
    name="notifications.seat_confirmed",
    app_label="notifications",
)
@_notifying
def seat_confirmed(
    event: TypedEvent[EventRegistrationCreated | EventRegistrationStatusChanged],
) -> None:
    """A seat confirmed: at once at a free event, when paid at a paid one, or when the
    waitlist reaches it."""
    if event.payload.status != "confirmed":
        return
    visit = showroom_selectors.seat_appointment(registration_id=event.payload.id)
    if visit is not None:
        notify(
            notice="registration.confirmed",
            key=f"registration.confirmed:{visit.id}",
            user_id=visit.user_id,
            variables={"event": visit.title, "starts_at": visit.starts_at},
        )


# TRADE-INS
# ------------------------------------------------------------------------------
@consumer("trade_in.offered", name="notifications.trade_in_offered", app_label="notifications")
@consumer("trade_in.inspected", name="notifications.trade_in_inspected", app_label="notifications")
@_notifying
def trade_in_changed(event: TypedEvent[TradeInPayload]) -> None:
    """An offer for the customer's old car (or a lower one after the inspection), and the
    inspection's confirmed amount (docs/tradein.md): each notice is named as its event."""
    trade_in = event.payload
    if not trade_in.amount:
        return
    visit = tradein_selectors.offer_of(trade_in_id=trade_in.id)
    notify(
        notice=event.type,
        key=event.id,
        user_id=trade_in.customer_id,
        order_id=trade_in.order_id,
        variables={
            "car": f"{trade_in.make} {trade_in.model}, {trade_in.year}",
            "amount": Amount(trade_in.amount, trade_in.currency),
            "valid_until": visit.valid_until if visit else None,
        },
    )
