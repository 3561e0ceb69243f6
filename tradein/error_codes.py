from enum import StrEnum


class TradeInErrorCode(StrEnum):
    TRADE_IN_NOT_FOUND = "trade_in_not_found"
    VIN_IN_STOCK = "vin_in_stock"
    VIN_UNDER_APPRAISAL = "vin_under_appraisal"
    OFFER_EXPIRED = "offer_expired"
    OFFER_TOO_LONG = "offer_too_long"
    INSPECTION_RAISES = "inspection_raises"
    CREDIT_WOULD_OVERPAY = "trade_in_would_overpay"
    NOT_ATTACHABLE = "trade_in_not_attachable"
