"""The notifications app's settings (docs/conventions.md, "Settings"): when customers are
notified, the SMS backend, retries, the delivery lease and quiet hours (docs/notifications.md)."""

from urllib.parse import urlsplit

from common.environment import env, site_url, task_time_limit

# NOTIFICATIONS (docs/notifications.md)
# ------------------------------------------------------------------------------
# Customers hear of their deal's steps; off, nothing is notified (`seed_demo` turns it off
# for its history).
NOTIFICATIONS_ON_EVENTS = env.bool("NOTIFICATIONS_ON_EVENTS", default=True)
# SMS: the console (development) or SMS.ru (notifications.sms.SmsRuBackend, with its API id).
NOTIFICATIONS_SMS_BACKEND = env.str(
    "NOTIFICATIONS_SMS_BACKEND", default="notifications.sms.ConsoleBackend"
)
SMSRU_API_URL = env.str("SMSRU_API_URL", default="https://sms.ru")
SMSRU_API_ID = env.str("SMSRU_API_ID", default="")
SMSRU_SENDER = env.str("SMSRU_SENDER", default="")
NOTIFICATIONS_SEND_TIMEOUT_SECONDS = env.float("NOTIFICATIONS_SEND_TIMEOUT_SECONDS", default=10)
# A temporary failure is tried again after 60 s, 120 s, 240 s…, this many attempts in all.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_SECONDS = env.int("NOTIFICATIONS_RETRY_SECONDS", default=60)
# A worker sending a delivery holds it this long: longer than any task runs, so that a
# second worker never sends it too; the sweep hands back one whose worker died.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=task_time_limit() + 30)
# No SMS from 21:00 to 09:00 in the customer's time zone.
NOTIFICATIONS_QUIET_HOURS = (21, 9)
# The domain of the Message-ID each e-mail carries, one per delivery.
NOTIFICATIONS_MESSAGE_ID_DOMAIN = urlsplit(site_url()).hostname or "autosalon.local"
# An e-mail's unsubscribe link works once, for this many days after the e-mail was sent.
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS = 30
