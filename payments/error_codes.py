from enum import StrEnum


class PaymentErrorCode(StrEnum):
    DESK_DOCUMENT_TAKEN = "desk_document_taken"
    ORDER_NOT_PAYABLE = "order_not_payable"
    REGISTRATION_NOT_FOUND = "registration_not_found"
    POLICY_NOT_FOUND = "policy_not_found"
    WORK_ORDER_NOT_FOUND = "work_order_not_found"
    AMOUNT_EXCEEDS_BALANCE = "amount_exceeds_balance"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    REFUND_EXCEEDS_CAPTURED = "refund_exceeds_captured"
    REFUND_REFUSED = "refund_refused"
    REFUND_NOT_FOUND = "refund_not_found"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    NOTIFICATION_REFUSED = "notification_refused"
