from enum import StrEnum


class OrderErrorCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    ORDER_NOT_EDITABLE = "order_not_editable"
    ORDER_NOT_DELETABLE = "order_not_deletable"
    CURRENCY_MISMATCH = "currency_mismatch"
