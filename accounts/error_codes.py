from enum import StrEnum


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    LAST_SIGN_IN_METHOD = "last_sign_in_method"
    EMAIL_TAKEN = "email_taken"
    USERNAME_TAKEN = "username_taken"
    REFRESH_TOKEN_INVALID = "refresh_token_invalid"
    WRONG_PASSWORD = "wrong_password"
    RESET_TOKEN_INVALID = "reset_token_invalid"
    CANNOT_CHANGE_OWN_ROLE = "cannot_change_own_role"
    CANNOT_DELETE_SELF = "cannot_delete_self"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
    # Google sign-in (accounts/oidc.py)
    SIGN_IN_PROVIDER_NOT_CONFIGURED = "sign_in_provider_not_configured"
    SIGN_IN_PROVIDER_UNAVAILABLE = "sign_in_provider_unavailable"
    OAUTH_DENIED = "oauth_denied"
    OAUTH_STATE_INVALID = "oauth_state_invalid"
    OAUTH_CODE_INVALID = "oauth_code_invalid"
    ID_TOKEN_INVALID = "id_token_invalid"
    IDENTITY_EMAIL_UNVERIFIED = "identity_email_unverified"
    IDENTITY_LINKED_ELSEWHERE = "identity_linked_elsewhere"
    LINK_TOKEN_INVALID = "link_token_invalid"
    ACCOUNT_INACTIVE = "account_inactive"
    # E-mail ownership (docs/security.md, "Google sign-in")
    EMAIL_VERIFY_TOKEN_INVALID = "email_verify_token_invalid"
    EMAIL_ALREADY_VERIFIED = "email_already_verified"
    EMAIL_UNVERIFIED = "email_unverified"
    REAUTHENTICATION_REQUIRED = "reauthentication_required"
    # E-mail change (docs/security.md, "Changing the e-mail")
    EMAIL_CHANGE_TOKEN_INVALID = "email_change_token_invalid"
