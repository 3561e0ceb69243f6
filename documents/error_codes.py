from enum import StrEnum


class DocumentErrorCode(StrEnum):
    """The documents domain's stable error codes (docs/api.md, "Documents")."""

    NO_LEGAL_ENTITY = "no_legal_entity"
    NO_TEMPLATE = "document_template_missing"
    TEMPLATE_INVALID = "document_template_invalid"
    NOT_APPLICABLE = "document_not_applicable"
    KIND_NOT_REQUESTABLE = "document_kind_not_requestable"
    # The template's CSS names an address that is not data: (docs/documents.md, "Templates").
    TEMPLATE_CSS_REFUSED = "document_template_css_refused"
    # The offer asked for too often (DOCUMENTS_OFFER_MAX_PER_ORDER_PER_HOUR).
    OFFER_LIMIT = "document_offer_limit"
    # The seller's requisites under four eyes (docs/documents.md, "Requisites").
    REQUISITES_NOT_PERMITTED = "requisites_not_permitted"
    REQUISITES_CHANGE_PENDING = "requisites_change_pending"
    REQUISITES_UNCHANGED = "requisites_unchanged"
    REQUISITES_INVALID = "requisites_invalid"
    REQUISITES_CHANGE_DECIDED = "requisites_change_decided"
    REQUISITES_CHANGE_STALE = "requisites_change_stale"
    REQUISITES_CHANGE_MISMATCH = "requisites_change_mismatch"
