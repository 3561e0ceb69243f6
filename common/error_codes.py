from enum import StrEnum


class CommonErrorCode(StrEnum):
    """Codes for failures that no single domain owns."""

    EMAIL_NOT_VERIFIED = "email_not_verified"
    BAD_REQUEST = "bad_request"
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    PERMISSION_DENIED = "permission_denied"
    # A session-authenticated unsafe request without a valid CSRF token (docs/security.md,
    # "CSRF").
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    REQUEST_TOO_LARGE = "request_too_large"
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_TRANSITION = "invalid_transition"
    # Four eyes (common/four_eyes.py): nobody decides their own record, and an approval above
    # a threshold needs a second, different staff member.
    OWN_RECORD = "own_record"
    SECOND_APPROVER_REQUIRED = "second_approver_required"
    # Staff of another showroom, where a record changes (common/showrooms.py).
    OUTSIDE_YOUR_SHOWROOMS = "outside_your_showrooms"
    # A photo that is not one (common/images.py), wherever it is uploaded.
    PHOTO_REFUSED = "photo_refused"
