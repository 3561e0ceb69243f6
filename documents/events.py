"""Events the documents domain emits (docs/events.md)."""

from dataclasses import dataclass
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import DateTime, Uuid, described
from documents.models import Document


@dataclass(frozen=True)
class OrderDocumentReady:
    """A document of an order's deal was generated: the offer, an invoice, the sale
    contract, the handover act, the loan schedule or the buy-back contract of a trade-in.
    Its file is read through the API (`GET /api/v1/documents/{id}/file`)."""

    id: Uuid = described("The document.")
    order_id: Uuid = described("The order it belongs to.")
    customer_id: Uuid = described("The order's customer.")
    kind: Literal[
        "offer", "invoice", "sale_contract", "handover_act", "loan_schedule", "trade_in_contract"
    ] = described("What the document is.")
    number: str = described("Its number, unique: the kind's prefix, the year, the sequence.")
    sha256: str = described("The SHA-256 of its file, in hex.")
    supersedes: Uuid | None = described("The document of the same kind it replaces, if any.")
    created_at: DateTime = described("When it was generated.")


# Version 2 adds the buy-back contract (`trade_in_contract`) to the kinds.
DOCUMENT_READY = DomainEvent(
    "order.document_ready", payload=OrderDocumentReady, app_label="documents", schema_version=2
)


def document_payload(document: Document) -> dict:
    return {
        "id": str(document.pk),
        "order_id": str(document.order_id),
        "customer_id": str(document.customer_id),
        "kind": document.kind,
        "number": document.number,
        "sha256": document.sha256,
        "supersedes": str(document.supersedes_id) if document.supersedes_id else None,
        "created_at": document.created_at.isoformat(),
    }
