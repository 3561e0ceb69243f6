from enum import StrEnum


class ServiceErrorCode(StrEnum):
    SHOWROOM_NOT_FOUND = "showroom_not_found"
    MENU_NOT_FOUND = "menu_not_found"
    WORK_REQUIRED = "work_required"
    VEHICLE_REQUIRED = "vehicle_required"
    SLOT_INVALID = "slot_invalid"
    SLOT_TAKEN = "slot_taken"
    NO_ADVISOR = "no_advisor"
    PHONE_CODE_REQUIRED = "phone_code_required"
    PHONE_CODE_INVALID = "phone_code_invalid"
    PHONE_CODES_EXHAUSTED = "phone_codes_exhausted"
    LINK_INVALID = "link_invalid"
    BOOKING_NOT_CHANGEABLE = "booking_not_changeable"
