"""Writes of the notifications domain (docs/notifications.md, "Exactly once" for the design): a
notice made deliveries in the consumer's transaction in `notices.py` (to an account's customer,
or to a person of no account), a delivery sent under a lease and the stalled ones handed back
in `deliveries.py`, the customer's preferences and the unsubscribe link in `preferences.py`,
the templates' versions in `templates.py`, the reminders in `reminders.py`, a code sent by SMS
to a phone of no account in `codes.py`."""

from notifications.catalogue import Amount, OnClock, Percent, Value
from notifications.services.codes import sms_send
from notifications.services.deliveries import (
    LINE_BREAKS,
    SendLater,
    deliveries_stalled_requeue,
    delivery_send,
    email_html,
)
from notifications.services.notices import notify, notify_contact
from notifications.services.preferences import (
    UNSUBSCRIBE_SALT,
    preferences_update,
    unsubscribe,
    unsubscribe_url,
)
from notifications.services.reminders import (
    APPOINTMENT_NOTICES,
    OFFER_REMINDER_HOURS,
    REMINDER_HOURS,
    reminders_send,
)
from notifications.services.templates import (
    template_current,
    template_problems,
    template_version_create,
)

__all__ = [
    "APPOINTMENT_NOTICES",
    "LINE_BREAKS",
    "OFFER_REMINDER_HOURS",
    "REMINDER_HOURS",
    "UNSUBSCRIBE_SALT",
    "Amount",
    "OnClock",
    "Percent",
    "SendLater",
    "Value",
    "deliveries_stalled_requeue",
    "delivery_send",
    "email_html",
    "notify",
    "notify_contact",
    "preferences_update",
    "reminders_send",
    "sms_send",
    "template_current",
    "template_problems",
    "template_version_create",
    "unsubscribe",
    "unsubscribe_url",
]
