"""A code sent by SMS to a phone that belongs to no account yet (the service department's
anonymous bookers, docs/service.md): sent at once through the SMS backend, outside any
transaction, and never logged as a delivery, so that no code is kept in plain text."""

import logging

from common.db.transactions import outside_transaction
from notifications.sms import PermanentFailure, TemporaryFailure, sms_backend

logger = logging.getLogger(__name__)


def sms_send(*, phone: str, text: str) -> bool:
    """Send `text` to `phone` now; whether the backend took it (a failure is logged)."""
    outside_transaction("Sending an SMS")
    try:
        sms_backend().send(phone=phone, text=text)
    except (TemporaryFailure, PermanentFailure) as exc:
        logger.warning("An SMS code was not sent: %s", exc)
        return False
    return True
