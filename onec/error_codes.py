from enum import StrEnum


class OnecErrorCode(StrEnum):
    """Why the exchange refused a call; 1C's side is told in words, the log keeps the code."""

    UNAUTHORIZED = "onec_unauthorized"
    SESSION_EXPIRED = "onec_session_expired"
    BAD_REQUEST = "onec_bad_request"
    FILE_TOO_LARGE = "onec_file_too_large"
    FILE_REFUSED = "onec_file_refused"
