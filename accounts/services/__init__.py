"""Writes of the accounts domain: registration, tokens, passwords, roles and activity. Users in
`users.py`, the Managers group in `groups.py`, sign-in and tokens in `tokens.py`, passwords in
`passwords.py`, WebSocket tickets in `tickets.py`, the account's e-mail (verification and
change) in `email.py`, external identities in `identities.py`, and the activity log they all
write in `activity.py`."""

from accounts.services.activity import activity_record
from accounts.services.consents import consent_give, consent_withdraw
from accounts.services.email import (
    EMAIL_CHANGE_SALT,
    EMAIL_VERIFY_SALT,
    email_change_cancel,
    email_change_cancel_token,
    email_change_confirm,
    email_change_request,
    email_change_token,
    email_verification_resend,
    email_verify_confirm,
    email_verify_token,
)
from accounts.services.groups import managers_group_sync, user_groups_sync
from accounts.services.identities import (
    IDENTITY_LINK_SALT,
    FederatedSignIn,
    identity_link,
    identity_link_authorize,
    identity_link_confirm,
    identity_link_request,
    identity_link_token,
    identity_session_finish,
    identity_session_start,
    identity_sign_in,
    identity_unlink,
)
from accounts.services.passwords import (
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from accounts.services.tickets import WS_TICKET_PREFIX, ws_ticket_consume, ws_ticket_issue
from accounts.services.tokens import (
    logout,
    logout_everywhere,
    session_sign_in,
    token_obtain,
    token_refresh,
    token_verify,
    tokens_revoke_all,
)
from accounts.services.users import (
    user_active_set,
    user_admin_update,
    user_create,
    user_delete,
    user_language_set,
    user_me_update,
    user_profile_update,
    user_register,
    user_role_set,
    user_whole_group_grant,
)

__all__ = [
    "EMAIL_CHANGE_SALT",
    "EMAIL_VERIFY_SALT",
    "IDENTITY_LINK_SALT",
    "WS_TICKET_PREFIX",
    "FederatedSignIn",
    "activity_record",
    "consent_give",
    "consent_withdraw",
    "email_change_cancel",
    "email_change_cancel_token",
    "email_change_confirm",
    "email_change_request",
    "email_change_token",
    "email_verification_resend",
    "email_verify_confirm",
    "email_verify_token",
    "identity_link",
    "identity_link_authorize",
    "identity_link_confirm",
    "identity_link_request",
    "identity_link_token",
    "identity_session_finish",
    "identity_session_start",
    "identity_sign_in",
    "identity_unlink",
    "logout",
    "logout_everywhere",
    "managers_group_sync",
    "password_change",
    "password_reset_confirm",
    "password_reset_request",
    "session_sign_in",
    "token_obtain",
    "token_refresh",
    "token_verify",
    "tokens_revoke_all",
    "user_active_set",
    "user_admin_update",
    "user_create",
    "user_delete",
    "user_groups_sync",
    "user_language_set",
    "user_me_update",
    "user_profile_update",
    "user_register",
    "user_role_set",
    "user_whole_group_grant",
    "ws_ticket_consume",
    "ws_ticket_issue",
]
