"""The payment provider behind an adapter. Only `FakeProvider` exists so far: it stands for a
real provider in development and tests, and it is what tests may steer (DESIGN: mock only
what lies outside the project)."""

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import redis
from django.conf import settings


class ProviderUnavailable(Exception):
    """A transient failure: worth retrying, and counted by the circuit breaker."""


class ChargeDeclined(Exception):
    """A final answer: the charge will not happen."""


@dataclass(frozen=True)
class ChargeResult:
    reference: str


class PaymentProvider(Protocol):
    def charge(self, *, payment_id: str, amount: Decimal, currency: str) -> ChargeResult:
        """Charge once per `payment_id`, however often it is called."""

    def refund(self, *, refund_id: str, charge_reference: str, amount: Decimal) -> ChargeResult:
        """Refund once per `refund_id`, however often it is called."""


class FakeProvider:
    """Records every charge it receives, keyed by payment id (so a repeated call returns the
    first charge, as a real provider does with its idempotency key). The record lives in
    Redis in services mode, so that a worker and a test see the same one.

    Settings: `FAKE_PROVIDER_LATENCY_MS` and `FAKE_PROVIDER_FAILURE_RATE`. A test can also
    force failures or slow charges down for every process with `set_control()`."""

    PREFIX = "fake-provider"
    _memory: dict[str, str] = {}
    _memory_lock = threading.Lock()

    def __init__(self):
        self.redis = redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None

    # -- control, for tests and demos ---------------------------------------------
    def set_control(self, *, failing: bool | None = None, latency_ms: int | None = None):
        if self.redis is None:
            return
        for name, value in (("failing", failing), ("latency_ms", latency_ms)):
            if value is None:
                self.redis.delete(f"{self.PREFIX}:{name}")
            else:
                self.redis.set(f"{self.PREFIX}:{name}", int(value))

    def _control(self, name: str, default: int) -> int:
        value = self.redis.get(f"{self.PREFIX}:{name}") if self.redis else None
        return int(value) if value is not None else default

    def records(self, kind: str) -> dict[str, dict]:
        """What the provider holds: `charges` or `refunds`, by payment or refund id."""
        if self.redis is not None:
            stored = self.redis.hgetall(f"{self.PREFIX}:{kind}")
            return {_text(key): json.loads(value) for key, value in stored.items()}
        prefix = f"{kind}:"
        return {
            key.removeprefix(prefix): json.loads(value)
            for key, value in self._memory.items()
            if key.startswith(prefix)
        }

    def charges(self) -> dict[str, dict]:
        return self.records("charges")

    def reset(self) -> None:
        if self.redis is not None:
            self.redis.delete(*(self.redis.keys(f"{self.PREFIX}:*") or [f"{self.PREFIX}:none"]))
        self._memory.clear()

    # -- the provider ----------------------------------------------------------------
    def charge(self, *, payment_id: str, amount: Decimal, currency: str) -> ChargeResult:
        failing = (
            self._control("failing", 0) or random.random() < settings.FAKE_PROVIDER_FAILURE_RATE
        )
        if failing:
            raise ProviderUnavailable("The fake provider is failing.")
        record = json.dumps(
            {
                "reference": f"fake_{uuid.uuid4().hex[:16]}",
                "amount": str(amount),
                "currency": currency,
            }
        )
        self._record_once(payment_id, record)
        # The charge is taken; the answer takes a while to come back.
        time.sleep(self._control("latency_ms", settings.FAKE_PROVIDER_LATENCY_MS) / 1000)
        return ChargeResult(reference=self.charges()[payment_id]["reference"])

    def refund(self, *, refund_id: str, charge_reference: str, amount: Decimal) -> ChargeResult:
        if self._control("failing", 0):
            raise ProviderUnavailable("The fake provider is failing.")
        record = json.dumps(
            {
                "reference": f"fake_re_{uuid.uuid4().hex[:16]}",
                "charge": charge_reference,
                "amount": str(amount),
            }
        )
        self._record_once(refund_id, record, kind="refunds")
        return ChargeResult(reference=self.records("refunds")[refund_id]["reference"])

    def _record_once(self, key: str, record: str, *, kind: str = "charges") -> None:
        if self.redis is not None:
            self.redis.hsetnx(f"{self.PREFIX}:{kind}", key, record)
            return
        with self._memory_lock:
            self._memory.setdefault(f"{kind}:{key}", record)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def get_provider() -> PaymentProvider:
    return FakeProvider()
