from enum import StrEnum


class CrmErrorCode(StrEnum):
    CLIENT_NOT_FOUND = "client_not_found"
    CLIENT_ARCHIVED = "client_archived"
    CLIENT_ERASED = "client_erased"
    CLIENT_ALREADY_ASSIGNED = "client_already_assigned"
    ASSIGNMENT_FORBIDDEN = "assignment_forbidden"
    MANAGER_NOT_FOUND = "manager_not_found"
    INVALID_STATUS_CHANGE = "invalid_status_change"
    MERGE_INVALID = "merge_invalid"
