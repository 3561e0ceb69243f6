from enum import StrEnum


class FinancingErrorCode(StrEnum):
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_NOT_FINANCEABLE = "order_not_financeable"
    VEHICLE_PRICE_EXCEEDS_ORDER = "vehicle_price_exceeds_order"
    DOWN_PAYMENT_TOO_LARGE = "down_payment_too_large"
    LOAN_AMOUNT_TOO_SMALL = "loan_amount_too_small"
    APPLICATION_ALREADY_OPEN = "application_already_open"
    APPLICATION_NOT_PENDING = "application_not_pending"
    APPLICATION_NOT_APPROVED = "application_not_approved"
    ALREADY_DISBURSED = "already_disbursed"
    DISBURSEMENT_AMOUNT_MISMATCH = "disbursement_amount_mismatch"
    DISBURSEMENT_REFERENCE_USED = "disbursement_reference_used"
    DISBURSEMENT_NOT_BY_HAND = "disbursement_not_by_hand"
    # Where the deal's paths meet (docs/deal.md, "Never paid past the total")
    LOAN_WOULD_OVERPAY = "loan_would_overpay"
    LOAN_NOT_SENT = "loan_not_sent"
    LOAN_WITH_ITS_LENDER = "loan_with_its_lender"
    NOT_THE_CHOSEN_BANK = "not_the_chosen_bank"
    OVERPAYMENT_NOT_HELD = "overpayment_not_held"
    # Partner banks' offers (docs/financing.md)
    OFFER_NOT_OPEN = "offer_not_open"
    OFFERS_ALREADY_REQUESTED = "offers_already_requested"
    BANK_NOT_ELIGIBLE = "bank_not_eligible"
    BANK_CONSENT_REQUIRED = "bank_consent_required"
    ANSWER_NOT_BY_HAND = "answer_not_by_hand"
    CALLBACK_REFUSED = "callback_refused"
    BANK_SECRET_INVALID = "bank_secret_invalid"
