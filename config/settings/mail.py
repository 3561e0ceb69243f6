"""E-MAIL: how mail is sent (EMAIL_URL) and from whom (docs/security.md, "Mail"). The links the
e-mails carry are the apps' own settings."""

from common.environment import env

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Autosalon <noreply@autosalon.local>")
