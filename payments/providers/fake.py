"""The fake provider: it stands for a real one in development and tests, and it is what tests
may steer (docs/conventions.md, "Tests": mock only what lies outside the project). It
answers at once: every charge succeeds or is refused, none needs the customer's action."""

import dataclasses
import json
import os
import random
import shutil
import time
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from payments.providers.base import (
    ChargeRequest,
    Kind,
    NotificationRefused,
    ProviderRecord,
    ProviderUnavailable,
    ReceiptRequest,
    RefundRequest,
)

# Its books keep charges and refunds apart; `receipts` are the fiscal receipts it registered.
BOOKS = {Kind.CHARGE: "charges", Kind.REFUND: "refunds"}


class FakeProvider:
    """A provider that keeps its own books: every charge and refund it receives, keyed by our
    payment or refund id (so a repeated call returns the first one, as a real provider does
    with its idempotency key), and every fiscal receipt it is sent, as it was sent, keyed by
    our receipt id: a fiscal provider registers them at once. The books are files in a
    directory (FAKE_PROVIDER_DIR), one JSON file a record, so that they outlive any worker
    and are shared by every process, like a real provider's.

    Settings: `FAKE_PROVIDER_LATENCY_MS` and `FAKE_PROVIDER_FAILURE_RATE`. A test can also
    force failures or slow charges down for every process with `set_control()`."""

    name = "fake"
    fiscal = True

    def __init__(self, path=None):
        self.path = Path(path or settings.FAKE_PROVIDER_DIR)

    def _file(self, kind: str, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"Not a key of the fake provider's books: {key!r}")
        folder = self.path / kind
        folder.mkdir(parents=True, exist_ok=True)
        return folder / key

    # -- control, for tests and demos ---------------------------------------------
    def set_control(self, *, failing: bool | None = None, latency_ms: int | None = None):
        for name, value in (("failing", failing), ("latency_ms", latency_ms)):
            path = self._file("control", name)
            if value is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomically(path, str(int(value)))

    def _control(self, name: str, default: int) -> int:
        try:
            return int(self._file("control", name).read_text())
        except FileNotFoundError:
            return default

    def records(self, kind: str) -> dict[str, dict]:
        """What the provider holds: `charges` or `refunds`, by payment or refund id."""
        folder = self.path / kind
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        return {path.name: json.loads(path.read_text()) for path in files if path.name[0] != "."}

    def charges(self) -> dict[str, dict]:
        return self.records("charges")

    def receipts(self) -> dict[str, dict]:
        """The receipts registered, by our receipt id: each as `ReceiptRequest` has it."""
        return self.records("receipts")

    def reset(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    # -- the provider ----------------------------------------------------------------
    def charge(self, request: ChargeRequest) -> ProviderRecord:
        self._refuse_if_failing(random.random() < settings.FAKE_PROVIDER_FAILURE_RATE)
        record = {
            "reference": f"fake_{uuid.uuid4().hex[:16]}",
            "amount": str(request.amount),
            "currency": request.currency,
            "created_at": datetime.now(UTC).isoformat(),
            "receipt": self._receipt_register(request.receipt),
        }
        stored = self._record_once("charges", request.payment_id, record)
        # The charge is taken; the answer takes a while to come back.
        time.sleep(self._control("latency_ms", settings.FAKE_PROVIDER_LATENCY_MS) / 1000)
        return _record(request.payment_id, stored)

    def charge_lookup(self, request: ChargeRequest, reference: str = "") -> ProviderRecord | None:
        return self._lookup("charges", request.payment_id)

    def refund(self, request: RefundRequest) -> ProviderRecord:
        self._refuse_if_failing()
        record = {
            "reference": f"fake_re_{uuid.uuid4().hex[:16]}",
            "charge": request.charge_reference,
            "amount": str(request.amount),
            "currency": request.currency,
            "created_at": datetime.now(UTC).isoformat(),
            "receipt": self._receipt_register(request.receipt),
        }
        return _record(request.refund_id, self._record_once("refunds", request.refund_id, record))

    def receipt(self, request: ReceiptRequest) -> ProviderRecord:
        self._refuse_if_failing()
        self._receipt_register(request)
        return ProviderRecord(
            reference=f"fake_rc_{request.receipt_id}",
            ours=request.receipt_id,
            amount=request.total,
            currency=request.currency,
            receipt_status="succeeded",
        )

    def refund_lookup(self, request: RefundRequest, reference: str = "") -> ProviderRecord | None:
        return self._lookup("refunds", request.refund_id)

    def fetch(self, kind: Kind, reference: str) -> ProviderRecord:
        for ours, body in self.records(BOOKS[kind]).items():
            if body["reference"] == reference:
                return _record(ours, body)
        raise LookupError(f"The fake provider holds no {kind} {reference}.")

    def records_between(self, kind: Kind, start: datetime, end: datetime) -> list[ProviderRecord]:
        records = [_record(ours, body) for ours, body in self.records(BOOKS[kind]).items()]
        return [r for r in records if r.created_at is not None and start <= r.created_at < end]

    def notification(self, *, body: bytes, headers, client_ip: str):
        raise NotificationRefused("The fake provider sends no notifications.", status=404)

    def _refuse_if_failing(self, failing: bool = False) -> None:
        if failing or self._control("failing", 0):
            raise ProviderUnavailable("The fake provider is failing.")

    def _lookup(self, kind: str, key: str) -> ProviderRecord | None:
        self._refuse_if_failing()
        try:
            return _record(key, json.loads(self._file(kind, key).read_text()))
        except FileNotFoundError:
            return None

    def _receipt_register(self, receipt: ReceiptRequest | None) -> str | None:
        """Keep the receipt (the first one sent under its id); its id, or None."""
        if receipt is None:
            return None
        body = json.loads(json.dumps(dataclasses.asdict(receipt), default=str))
        self._record_once("receipts", receipt.receipt_id, body)
        return receipt.receipt_id

    def _record_once(self, kind: str, key: str, record: dict) -> dict:
        """Store the record unless one exists for `key`; return the one stored."""
        path = self._file(kind, key)
        _write_atomically(path, json.dumps(record), replace=False)
        return json.loads(path.read_text())


def _write_atomically(path: Path, text: str, *, replace: bool = True) -> None:
    """Write the file whole or not at all, as a reader in another process sees it: a
    temporary file, then renamed over `path`, or (`replace` off) linked to it unless it
    exists, the first writer winning."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(text)
    try:
        if replace:
            temporary.replace(path)
        else:
            with suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _record(ours: str, body: dict) -> ProviderRecord:
    return ProviderRecord(
        reference=body["reference"],
        ours=ours,
        amount=Decimal(body["amount"]),
        currency=body.get("currency", ""),
        created_at=datetime.fromisoformat(body["created_at"]) if "created_at" in body else None,
        receipt_status="succeeded" if body.get("receipt") else "",
    )
