from enum import StrEnum


class ShowroomErrorCode(StrEnum):
    EVENT_NOT_FOUND = "event_not_found"
    EVENT_NOT_OPEN = "event_not_open"
    EVENT_FULL = "event_full"
    EVENT_NOT_EDITABLE = "event_not_editable"
    ALREADY_REGISTERED = "already_registered"
    REGISTRATION_NOT_CANCELLABLE = "registration_not_cancellable"
    RESOURCE_NOT_FOUND = "resource_not_found"
    RESOURCE_UNAVAILABLE = "resource_unavailable"
    ALLOCATION_INVALID = "allocation_invalid"
    ALLOCATION_NOT_ACTIVE = "allocation_not_active"
    TEST_DRIVE_NOT_CHANGEABLE = "test_drive_not_changeable"
    TEST_DRIVE_LIMIT_REACHED = "test_drive_limit_reached"
    TEST_DRIVE_TOO_LONG = "test_drive_too_long"
    TEST_DRIVE_TOO_FAR_AHEAD = "test_drive_too_far_ahead"
    TEST_DRIVE_NOT_STARTED = "test_drive_not_started"
    NO_DEMO_VEHICLE = "no_demo_vehicle"
    NAME_TAKEN = "name_taken"
    CATEGORY_NOT_FOUND = "category_not_found"
    RESOURCE_TYPE_NOT_FOUND = "resource_type_not_found"
