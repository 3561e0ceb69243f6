from enum import StrEnum


class OrderErrorCode(StrEnum):
    ORDER_NOT_FOUND = "order_not_found"
    INVALID_TRANSITION = "invalid_transition"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    ORDER_NOT_EDITABLE = "order_not_editable"
    ORDER_FINANCED = "order_financed"
    ORDER_NOT_DELETABLE = "order_not_deletable"
    CURRENCY_MISMATCH = "currency_mismatch"
    UNPAID_VEHICLE_LIMIT = "unpaid_vehicle_limit"
