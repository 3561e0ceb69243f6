"""SMS backends (docs/notifications.md, "Channels"): `NOTIFICATIONS_SMS_BACKEND` names one. The
console backend prints; SMS.ru's sends through its HTTP API (sms.ru/api/send)."""

import logging
import sys

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Worth trying again later: the provider is down, slow or busy."""


class PermanentFailure(Exception):
    """The message will never go to this number: it is invalid, or refuses messages."""


class ConsoleBackend:
    def send(self, *, phone: str, text: str) -> str:
        sys.stdout.write(f"SMS to {phone}: {text}\n")
        return ""


class SmsRuBackend:
    """SMS.ru's `sms/send` with `json=1`: the answer's `sms.<number>.status` says whether that
    number's message was taken; its `status_code` 100 is taken, others are refusals (the
    number's are permanent, the service's temporary)."""

    # SMS.ru's codes for a message that can never reach the number.
    PERMANENT = {202, 203, 204, 207, 208, 230, 231}

    def send(self, *, phone: str, text: str) -> str:
        number = phone.lstrip("+")
        try:
            response = httpx.post(
                f"{settings.SMSRU_API_URL}/sms/send",
                data={
                    "api_id": settings.SMSRU_API_ID,
                    "to": number,
                    "msg": text,
                    "json": 1,
                    **({"from": settings.SMSRU_SENDER} if settings.SMSRU_SENDER else {}),
                },
                timeout=settings.NOTIFICATIONS_SEND_TIMEOUT_SECONDS,
            )
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TemporaryFailure(f"SMS.ru did not answer: {exc}") from exc
        sent = (answer.get("sms") or {}).get(number) or {}
        if answer.get("status") == "OK" and sent.get("status") == "OK":
            return str(sent.get("sms_id", ""))
        code = int(sent.get("status_code") or answer.get("status_code") or 0)
        reason = sent.get("status_text") or answer.get("status_text") or f"code {code}"
        if code in self.PERMANENT:
            raise PermanentFailure(f"SMS.ru refused the number: {reason}")
        raise TemporaryFailure(f"SMS.ru refused the message: {reason}")


def sms_backend() -> ConsoleBackend | SmsRuBackend:
    backend_class = import_string(settings.NOTIFICATIONS_SMS_BACKEND)
    backend: ConsoleBackend | SmsRuBackend = backend_class()
    return backend
