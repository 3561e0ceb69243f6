"""A bank with an HTTP API (docs/financing.md, "The HTTP bank"). The application goes as JSON,
`POST {endpoint}/applications`, the bank's answer comes to our callback,
`POST /api/v1/financing/banks/{code}/callback`; a declined offer is
`POST {endpoint}/applications/{offer_id}/decline`. Both ways are signed alike:

    X-Signature-Timestamp: <unix seconds>
    X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the bank's secret>

A callback whose signature is missing or wrong, older than CALLBACK_MAX_AGE_SECONDS, or whose
`id` was accepted before, is refused and logged, and changes nothing. Requests to the bank are
signed with its current secret; its callbacks verify under it, or under the one it replaced
while that one's overlap lasts (financing/services/banks.py)."""

import hashlib
import hmac
import json
import time
from datetime import datetime
from typing import Any

import httpx
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from common.encryption import secret_decrypt
from financing.banks import BankUnavailable
from financing.models import Bank

CALLBACK_MAX_AGE_SECONDS = 300
SIGNATURE_HEADERS = ("X-Signature", "X-Signature-Timestamp")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        "X-Signature-Timestamp": timestamp,
        "X-Signature": signature(secret, timestamp, body),
    }


def verifying_secrets(bank: Bank, now: datetime) -> list[str]:
    """The secrets a callback may be signed with at `now`: the current one and, until its
    overlap ends, the one it replaced (docs/financing.md, "The bank's secret")."""
    secrets = [bank.secret] if bank.secret_encrypted else []
    expires_at = bank.previous_secret_expires_at
    if bank.previous_secret_encrypted and expires_at is not None and now < expires_at:
        secrets.append(secret_decrypt(bank.previous_secret_encrypted))
    return secrets


def signature_problem(bank: Bank, headers: dict[str, str], body: bytes) -> str | None:
    """Why a callback's signature does not hold ("unsigned", "wrong signature", "stale"),
    or None when it does, under the current secret or the one it replaced, within its
    overlap."""
    given, timestamp = headers.get("X-Signature", ""), headers.get("X-Signature-Timestamp", "")
    secrets = verifying_secrets(bank, timezone.now())
    if not given or not timestamp or not secrets:
        return "unsigned"
    # Every secret is compared, so that the time taken says nothing of which one matched.
    matches = [hmac.compare_digest(given, signature(s, timestamp, body)) for s in secrets]
    if not any(matches):
        return "wrong signature"
    try:
        age = time.time() - int(timestamp)
    except ValueError:
        return "wrong signature"
    if abs(age) > CALLBACK_MAX_AGE_SECONDS:
        return "stale"
    return None


class HttpBank:
    def send(self, bank: Bank, application: dict[str, Any]) -> str:
        answer = self.post(bank, f"{bank.endpoint.rstrip('/')}/applications", application)
        return str(answer.get("reference", ""))[:100]

    def decline(self, bank: Bank, offer_id: str, reference: str) -> None:
        url = f"{bank.endpoint.rstrip('/')}/applications/{offer_id}/decline"
        self.post(bank, url, {"offer_id": offer_id, "reference": reference})

    def post(self, bank: Bank, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, cls=DjangoJSONEncoder).encode()
        try:
            response = httpx.post(
                url,
                content=body,
                headers=signed_headers(bank.secret, body),
                timeout=bank.timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise BankUnavailable(f"{bank.name}: {exc!r}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise BankUnavailable(f"{bank.name}: HTTP {response.status_code}")
        response.raise_for_status()  # a 4xx is our mistake: it fails loudly, not retried
        try:
            return response.json() if response.content else {}
        except ValueError:
            return {}
