from enum import StrEnum


class NotificationErrorCode(StrEnum):
    TEMPLATE_INVALID = "template_invalid"
    UNSUBSCRIBE_LINK_INVALID = "unsubscribe_link_invalid"
    MARKETING_CONSENT_REQUIRED = "marketing_consent_required"
