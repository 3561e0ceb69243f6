"""A loan's schedule follows its terms (docs/documents.md, "Papers follow the terms"). Each
report of them (the loan approved, the credit discount taken, a bank's offer chosen, the loan
given up) is noted with the moment it happened, and one older than the newest noted changes
nothing. A worker then draws the schedule from the application's current terms: the first
one, or a new number that supersedes the one in force when what it states changed; the
loan given up, the one in force is made void, with no successor."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.db.transactions import turn_take
from common.types import Id
from documents.choices import DocumentKind, VoidReason
from documents.models import Document, LoanTerms
from documents.selectors import document_current
from documents.services.papers import _document_make, _stated, _turn

DB = "documents"
KIND = DocumentKind.LOAN_SCHEDULE


def loan_terms_note(
    *,
    application_id: Id,
    order_id: Id,
    reported_at: datetime,
    event_type: str,
    withdrawn: bool = False,
) -> bool:
    """Note a report of a loan application's terms, made at `reported_at`; whether it is
    newer than every report noted before, and so the schedule is to follow it. A report
    delivered again, or one older than the newest, notes nothing. Call inside the consumer's
    transaction."""
    with transaction.atomic(using=DB):
        noted, created = (
            LoanTerms.objects.using(DB)
            .select_for_update()
            .get_or_create(
                application_id=application_id,
                defaults={
                    "order_id": order_id,
                    "reported_at": reported_at,
                    "event_type": event_type,
                    "withdrawn": withdrawn,
                },
            )
        )
        if created:
            return True
        if noted.reported_at >= reported_at:
            return False
        noted.reported_at, noted.event_type, noted.withdrawn = reported_at, event_type, withdrawn
        noted.save(using=DB, update_fields=["reported_at", "event_type", "withdrawn", "updated_at"])
    return True


def loan_schedule_follow(*, application_id: Id) -> Document | None:
    """Bring the order's loan schedule in line with the newest report noted of the
    application: given up, its schedule in force is made void; otherwise a schedule is drawn
    from the application's terms as financing holds them now, unless the one in force states
    them already. The new document, if one was made. Raises `document_not_applicable` when
    the order has no approved loan to draw."""
    noted = LoanTerms.objects.using(DB).filter(pk=application_id).first()
    if noted is None:
        return None
    order_id = noted.order_id
    with transaction.atomic(using=DB):
        # One at a time per order: a regeneration from the admin, or another report's worker.
        turn_take(_turn(KIND, order_id), using=DB)
        noted = LoanTerms.objects.using(DB).get(pk=application_id)  # as the newest report left it
        current = document_current(kind=KIND, order_id=order_id)
        if noted.withdrawn:
            if current is not None and _application_of(current.facts) == str(application_id):
                document_void(document_id=current.pk, reason=VoidReason.LOAN_WITHDRAWN)
            return None
        stated, template = _stated(kind=KIND, order_id=order_id)
        if stated["loan"]["id"] != str(application_id):
            return None  # another application of the order is its loan now: its reports draw it
        if current is not None and _terms(current.facts) == _terms(stated):
            return None  # the schedule in force states these terms already
        return _document_make(
            kind=KIND, order_id=order_id, stated=stated, template=template, previous=current,
            user=None,
        )  # fmt: skip


def document_void(*, document_id: Id, reason: VoidReason) -> bool:
    """Mark a document in force void, with no successor: what it states holds no more. Its
    file and its facts stay as they were. Whether it was in force."""
    with transaction.atomic(using=DB):
        return bool(
            Document.objects.using(DB)
            .filter(pk=document_id, voided_at__isnull=True, superseded_by__isnull=True)
            .update(voided_at=timezone.now(), void_reason=reason)
        )


def _application_of(facts: dict[str, Any]) -> str | None:
    """The loan application a schedule was drawn for."""
    found = (facts.get("loan") or {}).get("id")
    return str(found) if found else None


def _terms(facts: dict[str, Any]) -> tuple[Any, Any]:
    """What a schedule states of the loan: its terms and installments, and the car's price."""
    return facts.get("loan"), (facts.get("order") or {}).get("total")
