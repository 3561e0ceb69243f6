"""Documents are rendered by a worker, never inside the consumer that asked for one
(docs/documents.md, "When")."""

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
            # One contract, act or schedule per order; an invoice per transfer awaited; the
            # buy-back contract again with each car inspected, superseding the last.
            once=kind not in (DocumentKind.INVOICE, DocumentKind.TRADE_IN_CONTRACT),
        )
    except ApplicationError as error:
        if error.code not in NOT_MADE:
            raise
        logger.warning(
            "document not made", extra={"kind": kind, "order_id": order_id, "reason": error.code}
        )
