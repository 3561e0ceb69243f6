"""Documents are rendered by a worker, never inside the consumer that asked for one
(docs/documents.md, "When"); so is a loan's schedule drawn again when its terms change
("Papers follow the terms")."""

import logging
from decimal import Decimal

from celery import shared_task

from common.api.exceptions import ApplicationError
from documents import services
from documents.choices import DocumentKind
from documents.error_codes import DocumentErrorCode

logger = logging.getLogger(__name__)

# Why a document is not made at its moment, none of which a retry would change: no legal
# entity signs them yet, no template, or nothing to state (an invoice with nothing due).
NOT_MADE = {
    DocumentErrorCode.NO_LEGAL_ENTITY,
    DocumentErrorCode.NO_TEMPLATE,
    DocumentErrorCode.NOT_APPLICABLE,
}


@shared_task(name="documents.tasks.document_generate_task", ignore_result=True)
def document_generate_task(kind: str, order_id: str, amount: str | None = None) -> None:
    try:
        services.document_generate(
            kind=kind,
            order_id=order_id,
            amount=Decimal(amount) if amount is not None else None,
            # One contract or act per order (the schedule follows the loan's terms instead:
            # loan_schedule_follow_task); an invoice per transfer awaited; the buy-back
            # contract again with each car inspected, superseding the last.
            once=kind not in (DocumentKind.INVOICE, DocumentKind.TRADE_IN_CONTRACT),
        )
    except ApplicationError as error:
        if error.code not in NOT_MADE:
            raise
        logger.warning(
            "document not made", extra={"kind": kind, "order_id": order_id, "reason": error.code}
        )


@shared_task(name="documents.tasks.loan_schedule_follow_task", ignore_result=True)
def loan_schedule_follow_task(application_id: str) -> None:
    try:
        services.loan_schedule_follow(application_id=application_id)
    except ApplicationError as error:
        if error.code not in NOT_MADE:
            raise
        logger.warning(
            "loan schedule not drawn",
            extra={"application_id": application_id, "reason": error.code},
        )
