"""Writes of the documents domain (docs/documents.md): template versions, documents generated
from them with numbers that have no gaps, a document asked for again, the loan's schedule
following its terms, and the seller's requisites changed under four eyes."""

from documents.services.papers import (
    document_generate,
    document_get_or_generate,
    document_number_take,
    paper_issue,
    sample_facts,
    template_version_create,
)
from documents.services.requisites import (
    REQUISITES_PERMISSION,
    RequisiteValues,
    legal_entity_add,
    legal_entity_confirm,
    requisites_change_check,
    requisites_change_confirm,
    requisites_change_propose,
    requisites_change_reject,
)
from documents.services.schedules import document_void, loan_schedule_follow, loan_terms_note

__all__ = [
    "REQUISITES_PERMISSION",
    "RequisiteValues",
    "document_generate",
    "document_get_or_generate",
    "document_number_take",
    "document_void",
    "legal_entity_add",
    "legal_entity_confirm",
    "loan_schedule_follow",
    "loan_terms_note",
    "paper_issue",
    "requisites_change_check",
    "requisites_change_confirm",
    "requisites_change_propose",
    "requisites_change_reject",
    "sample_facts",
    "template_version_create",
]
