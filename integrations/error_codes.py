from enum import StrEnum


class IntegrationErrorCode(StrEnum):
    TARGET_URL_REFUSED = "webhook_target_refused"
    EVENT_TYPE_UNKNOWN = "webhook_event_type_unknown"
    INVALID_TRANSITION = "webhook_delivery_invalid_transition"
