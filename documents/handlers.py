"""Each document at its moment (docs/documents.md, "When"): the consumers of the deal's
events ask a worker for it once their inbox transaction commits; the worker renders it,
and an order that already has one of the kind gets no second. The loan's schedule follows
the loan's terms instead ("Papers follow the terms"): each report of them is noted, an older
one after a newer one is ignored, and the worker draws the schedule again when they changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from common.events import TypedEvent, consumer
from common.queueing import task_queue
from common.types import Id
from documents import services
from documents.choices import DocumentKind

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from financing.events import (
        LoanApplicationApproved,
        LoanApplicationDiscounted,
        LoanApplicationSentToLender,
        LoanApplicationWithdrawn,
        LoanOfferChosen,
    )
    from orders.events import OrderStatusChanged
    from payments.events import PaymentCreated
    from tradein.events import TradeInInspected

DB = "documents"
TASK = "documents.tasks.document_generate_task"
FOLLOW_TASK = "documents.tasks.loan_schedule_follow_task"


def _generate_after_commit(kind: str, order_id: str, amount: str | None = None) -> None:
    if not settings.DOCUMENTS_ON_EVENTS:
        return
    transaction.on_commit(lambda: task_queue(TASK, kind, order_id, amount), using=DB, robust=True)


@consumer("order.status_changed", name="documents.papers_of_order_status", app_label="documents")
def papers_of_order_status(event: TypedEvent[OrderStatusChanged]) -> None:
    """Paid: the sale contract. Completed, the car handed over: the handover act."""
    kinds = {"paid": DocumentKind.SALE_CONTRACT, "completed": DocumentKind.HANDOVER_ACT}
    kind = kinds.get(event.payload.status)
    if kind is not None:
        _generate_after_commit(kind, event.payload.id)


def _terms_reported(
    event: TypedEvent[Any], *, application_id: Id, order_id: Id, withdrawn: bool = False
) -> None:
    """Note a report of the loan's terms; a newer one than any before has a worker bring the
    schedule in line once the inbox transaction commits."""
    if not settings.DOCUMENTS_ON_EVENTS:
        return
    newer = services.loan_terms_note(
        application_id=application_id,
        order_id=order_id,
        reported_at=event.occurred,
        event_type=event.type,
        withdrawn=withdrawn,
    )
    if newer:
        transaction.on_commit(
            lambda: task_queue(FOLLOW_TASK, str(application_id)), using=DB, robust=True
        )


@consumer(
    {
        "loan_application.approved": "documents.loan_schedule_of_approval",
        "loan_application.discounted": "documents.loan_schedule_of_discount",
        "loan_application.withdrawn": "documents.loan_schedule_of_withdrawal",
    },
    app_label="documents",
)
def loan_schedule_of_application(
    event: TypedEvent[
        LoanApplicationApproved | LoanApplicationDiscounted | LoanApplicationWithdrawn
    ],
) -> None:
    """Approved: the schedule at the dealership's terms. The credit discount taken: a smaller
    loan. Given up (by the buyer, or with the order): the schedule made void."""
    _terms_reported(
        event,
        application_id=event.payload.id,
        order_id=event.payload.order_id,
        withdrawn=event.type == "loan_application.withdrawn",
    )


@consumer(
    "loan_offer.chosen", name="documents.loan_schedule_of_chosen_offer", app_label="documents"
)
def loan_schedule_of_chosen_offer(event: TypedEvent[LoanOfferChosen]) -> None:
    """The buyer took a bank's offer: the schedule at the bank's rate, term and payments."""
    _terms_reported(
        event, application_id=event.payload.application_id, order_id=event.payload.order_id
    )


@consumer(
    "loan_application.sent_to_lender",
    name="documents.contract_of_financed_order",
    app_label="documents",
)
def contract_of_financed_order(event: TypedEvent[LoanApplicationSentToLender]) -> None:
    """Financed: the down payment is in and the loan goes to the lender; the contract states
    the loan among the payment terms."""
    _generate_after_commit(DocumentKind.SALE_CONTRACT, event.payload.order_id)


@consumer("payment.created", name="documents.invoice_of_bank_transfer", app_label="documents")
def invoice_of_bank_transfer(event: TypedEvent[PaymentCreated]) -> None:
    """An order's payment by bank transfer waits for the money: the invoice to pay it by."""
    payload = event.payload
    if payload.method == "bank_transfer" and payload.payable_kind == "order":
        _generate_after_commit(DocumentKind.INVOICE, payload.payable_id, payload.amount)


@consumer("trade_in.inspected", name="documents.buy_back_of_inspection", app_label="documents")
def buy_back_of_inspection(event: TypedEvent[TradeInInspected]) -> None:
    """The old car inspected at handover: the buy-back contract, which sets its price off
    against the new car's."""
    if event.payload.order_id:
        _generate_after_commit(DocumentKind.TRADE_IN_CONTRACT, event.payload.order_id)
