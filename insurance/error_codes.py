from enum import StrEnum


class InsuranceErrorCode(StrEnum):
    ORDER_NOT_INSURABLE = "order_not_insurable"
    COVERAGE_EXCEEDS_LIMIT = "coverage_exceeds_limit"
    COVERAGE_BELOW_MINIMUM = "coverage_below_minimum"
    DRIVER_REQUIRED = "driver_required"
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_ALREADY_PURCHASED = "quote_already_purchased"
    QUOTE_NOT_PURCHASABLE = "quote_not_purchasable"
    POLICY_NOT_ACTIVE = "policy_not_active"
    INCIDENT_OUTSIDE_POLICY_PERIOD = "incident_outside_policy_period"
    INCIDENT_IN_FUTURE = "incident_in_future"
    AMOUNT_EXCEEDS_COVERAGE = "amount_exceeds_coverage"
    CLAIM_ALREADY_DECIDED = "claim_already_decided"
    AMOUNT_APPROVED_REQUIRED = "amount_approved_required"
    AMOUNT_APPROVED_EXCEEDS_CLAIMED = "amount_approved_exceeds_claimed"
    ORDER_HAS_NO_VEHICLE = "order_has_no_vehicle"
    VEHICLE_NOT_ON_ORDER = "vehicle_not_on_order"
    VEHICLE_REQUIRED = "vehicle_required"
    COVERAGE_EXCEEDS_VEHICLE_PRICE = "coverage_exceeds_vehicle_price"
    COVER_NOT_STARTED = "cover_not_started"
