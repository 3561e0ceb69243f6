"""The payment provider behind an adapter. Only `FakeProvider` exists so far: it stands for a
real provider in development and tests, and it is what tests may steer (docs/conventions.md,
"Tests": mock only what lies outside the project)."""

import json
import random
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

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

    def charge_lookup(self, *, payment_id: str) -> ChargeResult | None:
        """The charge the provider holds for `payment_id`, or None if it took none."""

    def refund(self, *, refund_id: str, charge_reference: str, amount: Decimal) -> ChargeResult:
        """Refund once per `refund_id`, however often it is called."""

    def refund_lookup(self, *, refund_id: str) -> ChargeResult | None:
        """The refund the provider holds for `refund_id`, or None if it made none."""


class FakeProvider:
    """A provider that keeps its own books: every charge and refund it receives, keyed by our
    payment or refund id (so a repeated call returns the first one, as a real provider does
    with its idempotency key). The books are a SQLite file (FAKE_PROVIDER_DB), so that they
    outlive any worker and are shared by every process, like a real provider's.

    Settings: `FAKE_PROVIDER_LATENCY_MS` and `FAKE_PROVIDER_FAILURE_RATE`. A test can also
    force failures or slow charges down for every process with `set_control()`."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS records (kind TEXT, key TEXT, body TEXT, "
        "PRIMARY KEY (kind, key))",
        "CREATE TABLE IF NOT EXISTS control (name TEXT PRIMARY KEY, value INTEGER)",
    )

    def __init__(self, path=None):
        self.path = Path(path or settings.FAKE_PROVIDER_DB)

    def _db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        for statement in self.SCHEMA:
            connection.execute(statement)
        return connection

    # -- control, for tests and demos ---------------------------------------------
    def set_control(self, *, failing: bool | None = None, latency_ms: int | None = None):
        with closing(self._db()) as db:
            for name, value in (("failing", failing), ("latency_ms", latency_ms)):
                if value is None:
                    db.execute("DELETE FROM control WHERE name = ?", (name,))
                else:
                    db.execute("INSERT OR REPLACE INTO control VALUES (?, ?)", (name, int(value)))

    def _control(self, name: str, default: int) -> int:
        with closing(self._db()) as db:
            row = db.execute("SELECT value FROM control WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def records(self, kind: str) -> dict[str, dict]:
        """What the provider holds: `charges` or `refunds`, by payment or refund id."""
        with closing(self._db()) as db:
            rows = db.execute("SELECT key, body FROM records WHERE kind = ?", (kind,)).fetchall()
        return {key: json.loads(body) for key, body in rows}

    def charges(self) -> dict[str, dict]:
        return self.records("charges")

    def reset(self) -> None:
        with closing(self._db()) as db:
            db.execute("DELETE FROM records")
            db.execute("DELETE FROM control")

    # -- the provider ----------------------------------------------------------------
    def charge(self, *, payment_id: str, amount: Decimal, currency: str) -> ChargeResult:
        self._refuse_if_failing(random.random() < settings.FAKE_PROVIDER_FAILURE_RATE)
        record = {
            "reference": f"fake_{uuid.uuid4().hex[:16]}",
            "amount": str(amount),
            "currency": currency,
        }
        stored = self._record_once("charges", payment_id, record)
        # The charge is taken; the answer takes a while to come back.
        time.sleep(self._control("latency_ms", settings.FAKE_PROVIDER_LATENCY_MS) / 1000)
        return ChargeResult(reference=stored["reference"])

    def charge_lookup(self, *, payment_id: str) -> ChargeResult | None:
        return self._lookup("charges", payment_id)

    def refund(self, *, refund_id: str, charge_reference: str, amount: Decimal) -> ChargeResult:
        self._refuse_if_failing()
        record = {
            "reference": f"fake_re_{uuid.uuid4().hex[:16]}",
            "charge": charge_reference,
            "amount": str(amount),
        }
        return ChargeResult(reference=self._record_once("refunds", refund_id, record)["reference"])

    def refund_lookup(self, *, refund_id: str) -> ChargeResult | None:
        return self._lookup("refunds", refund_id)

    def _refuse_if_failing(self, failing: bool = False) -> None:
        if failing or self._control("failing", 0):
            raise ProviderUnavailable("The fake provider is failing.")

    def _lookup(self, kind: str, key: str) -> ChargeResult | None:
        self._refuse_if_failing()
        with closing(self._db()) as db:
            row = db.execute(
                "SELECT body FROM records WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return ChargeResult(reference=json.loads(row[0])["reference"]) if row else None

    def _record_once(self, kind: str, key: str, record: dict) -> dict:
        """Store the record unless one exists for `key`; return the one stored."""
        with closing(self._db()) as db:
            db.execute(
                "INSERT OR IGNORE INTO records VALUES (?, ?, ?)", (kind, key, json.dumps(record))
            )
            (body,) = db.execute(
                "SELECT body FROM records WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return json.loads(body)


def get_provider() -> PaymentProvider:
    return FakeProvider()
