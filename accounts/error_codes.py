from enum import StrEnum


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    LAST_SIGN_IN_METHOD = "last_sign_in_method"
    LOGIN_LOCKED = "login_locked"
    EMAIL_TAKEN = "email_taken"
    REFRESH_TOKEN_INVALID = "refresh_token_invalid"
    WRONG_PASSWORD = "wrong_password"
    RESET_TOKEN_INVALID = "reset_token_invalid"
    CANNOT_CHANGE_OWN_ROLE = "cannot_change_own_role"
    CANNOT_DELETE_SELF = "cannot_delete_self"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
