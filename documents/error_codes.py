from enum import StrEnum


class DocumentErrorCode(StrEnum):
    """The documents domain's stable error codes (docs/api.md, "Documents")."""

    NO_LEGAL_ENTITY = "no_legal_entity"
    NO_TEMPLATE = "document_template_missing"
    TEMPLATE_INVALID = "document_template_invalid"
    NOT_APPLICABLE = "document_not_applicable"
    KIND_NOT_REQUESTABLE = "document_kind_not_requestable"
