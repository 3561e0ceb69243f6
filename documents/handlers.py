"""Each document at its moment (docs/documents.md, "When"): the consumers of the deal's
events ask a worker for it once their inbox transaction commits; the worker renders it,
and an order that already has one of the kind gets no second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from common.events import TypedEvent, consumer
from common.queueing import task_queue
from documents.choices import DocumentKind

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from financing.events import LoanApplicationApproved, LoanApplicationSentToLender
    from orders.events import OrderStatusChanged
    from payments.events import PaymentCreated
    from tradein.events import TradeInInspected

DB = "documents"
TASK = "documents.tasks.document_generate_task"


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


@consumer(
    "loan_application.approved", name="documents.loan_schedule_of_approval", app_label="documents"
)
def loan_schedule_of_approval(event: TypedEvent[LoanApplicationApproved]) -> None:
    _generate_after_commit(DocumentKind.LOAN_SCHEDULE, event.payload.order_id)


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
