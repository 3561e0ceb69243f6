"""The deal's events, as the customer hears of them (docs/notifications.md, "Notices").

Most events are told alike: the customer the payload names hears one notice about its order,
with variables taken from the payload. `EVENT_NOTICES` lists them, a row an event type with
its notice and variables, and a consumer is registered for each row. A test drive and a seat
are told otherwise, by consumers of their own: what the customer hears of them (the car, the
time) is the showroom's appointment, not the payload. `services.notify` claims the deliveries
in the inbox's transaction, and tasks send them after it commits. The event's id is the key,
so a redelivered event notifies no one twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from common.events import TypedEvent, consumer
from documents import selectors as documents_selectors
from documents.choices import DocumentKind
from financing import selectors as financing_selectors
from notifications.catalogue import CLAIM_DECISIONS, INSURANCE
from notifications.services import Amount, Percent, Value, notify
from orders import selectors as orders_selectors
from payments import selectors as payments_selectors
from showroom import selectors as showroom_selectors
from tradein import selectors as tradein_selectors

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from documents.events import OrderDocumentReady
    from financing.events import (
        LoanApplicationApproved,
        LoanApplicationDisbursed,
        LoanApplicationRejected,
        LoanOfferChosen,
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

Variables = Mapping[str, Value]


def _notifying(handler: Callable[[TypedEvent[Any]], None]) -> Callable[[TypedEvent[Any]], None]:
    """Nothing is notified while NOTIFICATIONS_ON_EVENTS is off (`seed_demo`'s history)."""

    @wraps(handler)
    def wrapped(event: TypedEvent[Any]) -> None:
        if settings.NOTIFICATIONS_ON_EVENTS:
            handler(event)

    return wrapped


def of_order(order_id: str | None, number: str | None = None) -> dict[str, str]:
    """An order's number (read from orders when the event does not carry it) and the page the
    customer follows it on."""
    if not order_id:
        return {}
    return {
        "order_number": number or orders_selectors.order_number(order_id=order_id) or "",
        "order_url": f"{settings.SITE_URL}/account/orders/{order_id}/",
    }


# THE VARIABLES OF EACH NOTICE, FROM ITS EVENT'S PAYLOAD
# ------------------------------------------------------------------------------
def _order_created(order: OrderCreated) -> Variables:
    return {**of_order(order.id, order.number), "total": Amount(order.total_amount, order.currency)}


def _order_ready(order: OrderStatusChanged) -> Variables | None:
    """Processing: paid, and the car is being made ready to hand over."""
    return of_order(order.id, order.number) if order.status == "processing" else None


def _document_ready(document: OrderDocumentReady) -> Variables:
    replaced = document.supersedes if _schedule_reissued(document) else None
    if replaced is not None:
        return {
            **of_order(document.order_id),
            "document_number": document.number,
            "replaced_number": documents_selectors.document_number(document_id=replaced) or "",
        }
    return {
        **of_order(document.order_id),
        "document": DocumentKind(document.kind).label,
        "document_number": document.number,
    }


def _schedule_reissued(document: OrderDocumentReady) -> bool:
    """A loan schedule drawn again, under a new number, as the loan's terms changed
    (docs/documents.md, "Papers follow the terms"): told as re-issued, instead of as a new
    document."""
    return document.kind == DocumentKind.LOAN_SCHEDULE and document.supersedes is not None


def _document_notice(document: OrderDocumentReady) -> str:
    return "loan.schedule_reissued" if _schedule_reissued(document) else "order.document_ready"


def _payment_completed(payment: PaymentCompleted) -> Variables:
    receipts = payments_selectors.receipts_exist(payment_id=payment.id)
    return {
        **of_order(payment.order_id),
        "amount": Amount(payment.amount, payment.currency),
        # The payer's page of them; the API's list is for programs (docs/storefront.md).
        "receipts_url": settings.SITE_URL + reverse("storefront:receipts", args=[payment.id])
        if receipts
        else "",
    }


def _payment_refunded(payment: PaymentRefunded) -> Variables:
    return {**of_order(payment.order_id), "amount": Amount(payment.refund_amount, payment.currency)}


def _loan_approved(loan: LoanApplicationApproved) -> Variables:
    """The dealership's pre-check: what was asked for, and no rate nor payment, which no bank
    has offered yet (docs/financing.md, "The flow")."""
    return {
        **of_order(loan.order_id),
        "amount": Amount(loan.amount, loan.currency),
        "term_months": loan.term_months,
    }


def _loan_offer_chosen(offer: LoanOfferChosen) -> Variables:
    """The bank's terms the buyer took."""
    return {
        **of_order(offer.order_id),
        "bank": offer.bank,
        "amount": Amount(offer.amount or "", offer.currency),
        "term_months": offer.term_months,
        "annual_rate": Percent(offer.annual_rate or ""),
        "monthly_payment": Amount(offer.monthly_payment or "", offer.currency),
        "full_cost_percent": Percent(offer.full_cost_percent or "", places=3),
    }


def _loan_declined(loan: LoanApplicationRejected) -> Variables:
    return of_order(loan.order_id)


def _loan_disbursed(loan: LoanApplicationDisbursed) -> Variables:
    return {
        **of_order(loan.order_id),
        "amount": Amount(loan.amount, loan.currency),
        # the partner bank whose offer the buyer took, if one (docs/financing.md)
        "lender": financing_selectors.bank_name(application_id=loan.id),
    }


def _policy_issued(policy: InsurancePolicyActivated) -> Variables:
    return {
        "policy_number": policy.number,
        "insurance_type": INSURANCE[policy.insurance_type],
        "premium": Amount(policy.premium, policy.currency),
        "start_date": date.fromisoformat(policy.start_date),
        "end_date": date.fromisoformat(policy.end_date),
    }


def _policy_lapsed(policy: InsurancePolicyLapsed) -> Variables:
    return {"policy_number": policy.number, "insurance_type": INSURANCE[policy.insurance_type]}


def _claim_decided(claim: InsurancePolicyClaimDecided) -> Variables:
    approved = claim.amount_approved and Decimal(claim.amount_approved) > 0
    return {
        "decision": CLAIM_DECISIONS.get(claim.status, claim.status),
        "amount_approved": Amount(claim.amount_approved, claim.currency) if approved else "",
    }


def _trade_in_offer(trade_in: TradeInPayload) -> Variables | None:
    """An offer for the customer's old car (or a lower one after the inspection), and the
    inspection's confirmed amount (docs/tradein.md); one of no amount is no news."""
    if not trade_in.amount:
        return None
    visit = tradein_selectors.offer_of(trade_in_id=trade_in.id)
    return {
        "car": f"{trade_in.make} {trade_in.model}, {trade_in.year}",
        "amount": Amount(trade_in.amount, trade_in.currency),
        "valid_until": visit.valid_until if visit else None,
    }


# WHICH EVENT IS WHICH NOTICE
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventNotice:
    """An event type told as a notice to the payload's customer (`customer_id`), about its
    order."""

    event_type: str
    consumer: str  # the consumer's name, which its inbox rows keep (docs/events.md)
    notice: str
    # The notice's variables from the payload; None where the event is no news to the customer.
    variables: Callable[[Any], Variables | None]
    # The payload's order: an order's own events name it by their `id`.
    order_of: Callable[[Any], str | None] = attrgetter("order_id")
    # Where the payload tells which notice it is (a schedule re-issued is no new document).
    notice_of: Callable[[Any], str] | None = None

    def consume(self, event: TypedEvent[Any]) -> None:
        payload = event.payload
        variables = self.variables(payload)
        if variables is not None:
            notify(
                notice=self.notice_of(payload) if self.notice_of else self.notice,
                key=event.id,
                user_id=payload.customer_id,
                order_id=self.order_of(payload),
                variables=variables,
            )


EVENT_NOTICES = (
    # ORDERS
    EventNotice(
        "order.created",
        "notifications.order_created",
        "order.created",
        _order_created,
        order_of=attrgetter("id"),
    ),
    EventNotice(
        "order.status_changed",
        "notifications.order_ready",
        "order.ready_for_handover",
        _order_ready,
        order_of=attrgetter("id"),
    ),
    EventNotice(
        "order.document_ready",
        "notifications.document_ready",
        "order.document_ready",
        _document_ready,
        notice_of=_document_notice,
    ),
    # PAYMENTS
    EventNotice(
        "payment.completed",
        "notifications.payment_completed",
        "payment.completed",
        _payment_completed,
    ),
    EventNotice(
        "payment.refunded", "notifications.payment_refunded", "payment.refunded", _payment_refunded
    ),
    # FINANCING AND INSURANCE
    EventNotice(
        "loan_application.approved", "notifications.loan_approved", "loan.approved", _loan_approved
    ),
    EventNotice(
        "loan_offer.chosen",
        "notifications.loan_offer_chosen",
        "loan.offer_chosen",
        _loan_offer_chosen,
    ),
    EventNotice(
        "loan_application.rejected", "notifications.loan_declined", "loan.declined", _loan_declined
    ),
    EventNotice(
        "loan_application.disbursed",
        "notifications.loan_disbursed",
        "loan.disbursed",
        _loan_disbursed,
    ),
    EventNotice(
        "insurance_policy.activated", "notifications.policy_issued", "policy.issued", _policy_issued
    ),
    EventNotice(
        "insurance_policy.lapsed", "notifications.policy_lapsed", "policy.lapsed", _policy_lapsed
    ),
    EventNotice(
        "insurance_policy.claim.decided",
        "notifications.claim_decided",
        "claim.decided",
        _claim_decided,
    ),
    # TRADE-INS
    EventNotice(
        "trade_in.offered", "notifications.trade_in_offered", "trade_in.offered", _trade_in_offer
    ),
    EventNotice(
        "trade_in.inspected",
        "notifications.trade_in_inspected",
        "trade_in.inspected",
        _trade_in_offer,
    ),
)

for _told in EVENT_NOTICES:
    consumer(_told.event_type, name=_told.consumer, app_label="notifications")(
        _notifying(_told.consume)
    )


# THE SHOWROOM
# ------------------------------------------------------------------------------
@consumer(
    {
        "test_drive.booked": "notifications.test_drive_booked",
        "test_drive.cancelled": "notifications.test_drive_cancelled",
    },
    app_label="notifications",
)
@_notifying
def test_drive_booked_or_cancelled(event: TypedEvent[TestDriveBooked | TestDriveCancelled]) -> None:
    """Told from the showroom's appointment, to its customer; each notice is named as its
    event."""
    visit = showroom_selectors.test_drive_appointment(test_drive_id=event.payload.id)
    if visit is not None:
        notify(
            notice=event.type,
            key=event.id,
            user_id=visit.user_id,
            variables={"vehicle": visit.title, "starts_at": visit.starts_at, "place": visit.place},
        )


@consumer(
    {
        "event.registration.created": "notifications.seat_taken",
        "event.registration.status_changed": "notifications.seat_confirmed",
    },
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
            variables={"event": visit.title, "starts_at": visit.starts_at, "place": visit.place},
        )
