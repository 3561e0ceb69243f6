"""The accounts app's settings (docs/conventions.md, "Settings"): Google sign-in, the links its
e-mails carry and the lockout (docs/security.md)."""

from datetime import timedelta

from common.environment import env, site_url

_site_url = site_url()

# GOOGLE SIGN-IN (accounts/oidc.py, docs/security.md "Google sign-in")
# ------------------------------------------------------------------------------
# Off until GOOGLE_CLIENT_ID is set. The endpoints and keys come from the discovery
# document, which a local stand-in may serve instead of Google's.
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
GOOGLE_DISCOVERY_URL = env.str(
    "GOOGLE_DISCOVERY_URL", default="https://accounts.google.com/.well-known/openid-configuration"
)
# Where Google sends the browser back: this API's callback, or a front-end page that posts
# the `code` and `state` it receives to the callback. Registered in Google's console.
GOOGLE_REDIRECT_URI = env.str(
    "GOOGLE_REDIRECT_URI", default=f"{_site_url}/api/v1/auth/google/callback"
)
OIDC_STATE_TTL_SECONDS = 600
OIDC_HTTP_TIMEOUT_SECONDS = env.float("OIDC_HTTP_TIMEOUT_SECONDS", default=5)
# A Google account whose e-mail is a user's links once that user confirms from an e-mail.
IDENTITY_LINK_TTL_SECONDS = env.int("IDENTITY_LINK_TTL_SECONDS", default=3600)
FRONTEND_IDENTITY_LINK_URL = env.str(
    "FRONTEND_IDENTITY_LINK_URL", default=f"{_site_url}/link-account?token={{token}}"
)
# A signed-in user links a Google account only within this many seconds of signing in with
# their password (docs/security.md, "Google sign-in"); otherwise only by e-mail.
IDENTITY_LINK_REAUTH_SECONDS = 600
# A new account's e-mail is verified by a signed link that works this many hours and opens
# this page ({token} is filled in).
ACCOUNTS_EMAIL_VERIFY_HOURS = env.int("ACCOUNTS_EMAIL_VERIFY_HOURS", default=48)
FRONTEND_EMAIL_VERIFY_URL = env.str(
    "FRONTEND_EMAIL_VERIFY_URL", default=f"{_site_url}/verify-email?token={{token}}"
)
# A new e-mail asked for in `users/me` is confirmed by a signed link sent there, which works
# ACCOUNTS_EMAIL_VERIFY_HOURS and opens this page (docs/security.md, "Changing the e-mail").
FRONTEND_EMAIL_CHANGE_URL = env.str(
    "FRONTEND_EMAIL_CHANGE_URL", default=f"{_site_url}/change-email?token={{token}}"
)
# The current address is sent a link that stops the change, or undoes it once made, for
# this many hours; it opens this page (docs/security.md, "Changing the e-mail").
ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS = env.int("ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS", default=72)
# Signing up and asking for a password reset answer no sooner than this many seconds after
# the request came, whatever the address (docs/security.md, "Account enumeration"): more
# than either's work (a sign-up's password hash is about 0.2 s), so that their time tells
# nobody whether an address has an account. 0 answers once the work is done.
ACCOUNTS_ANSWER_AFTER_SECONDS = env.float("ACCOUNTS_ANSWER_AFTER_SECONDS", default=0.6)
FRONTEND_EMAIL_CHANGE_CANCEL_URL = env.str(
    "FRONTEND_EMAIL_CHANGE_CANCEL_URL",
    default=f"{_site_url}/cancel-email-change?token={{token}}",
)
# A password reset's e-mail links to this page ({uid} and {token} are filled in).
FRONTEND_PASSWORD_RESET_URL = env.str(
    "FRONTEND_PASSWORD_RESET_URL",
    default=f"{_site_url}/reset-password?uid={{uid}}&token={{token}}",
)

# Lockout (accounts/lockout.py; docs/security.md, "Lockout"): this many wrong passwords for
# one account from one address within the cool-off refuse that address for that account;
# this many for one account, from all addresses, lock the account until a password reset
# from its mailbox or `manage.py accounts_unlock`. Refusals look like wrong passwords.
LOCKOUT_ADDRESS_FAILURE_LIMIT = env.int("LOCKOUT_ADDRESS_FAILURE_LIMIT", default=5)
LOCKOUT_COOLOFF = timedelta(minutes=env.int("LOCKOUT_COOLOFF_MINUTES", default=15))
LOCKOUT_ACCOUNT_FAILURE_LIMIT = env.int("LOCKOUT_ACCOUNT_FAILURE_LIMIT", default=50)
