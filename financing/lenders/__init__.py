"""Lenders behind one interface, as payment providers are (docs/deal.md, "The loan").
`get_lender()` returns the one `FINANCING_LENDER` names: `fake`, which disburses by itself
FAKE_LENDER_DISBURSE_AFTER_SECONDS after it received the application, or `manual`, a
lender without an API whose disbursements staff record by hand.

Every call is idempotent on our application's id, and no call runs inside a transaction:
financing records what it asked (commit), asks, and records the answer (commit)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.conf import settings


class LenderUnavailable(Exception):
    """A transient failure: the call is retried later (the poll, the next send)."""


@dataclass(frozen=True)
class LoanRequest:
    application_id: str
    amount: Decimal
    currency: str
    term_months: int
    customer_id: str


@dataclass(frozen=True)
class Disbursement:
    """Money the lender sent for a loan: its reference, amount and when."""

    reference: str
    amount: Decimal
    currency: str
    at: datetime


class Lender(Protocol):
    name: str

    def submit(self, loan: LoanRequest) -> str:
        """Send an approved application; returns the lender's reference for it."""

    def disbursement(
        self, loan: LoanRequest, reference: str, sent_at: datetime
    ) -> Disbursement | None:
        """The loan's `Disbursement` if the lender has paid it out, else None."""

    def cancel(self, loan: LoanRequest, reference: str) -> None:
        """The order was cancelled before the lender paid: it is not to pay."""

    def next_check_seconds(self) -> float | None:
        """When to ask about a loan just sent (None: leave it to the poll)."""


def get_lender(name: str | None = None) -> Lender:
    from financing.lenders.fake import FakeLender
    from financing.lenders.manual import ManualLender

    name = name or settings.FINANCING_LENDER
    lenders: dict[str, type[Lender]] = {
        FakeLender.name: FakeLender,
        ManualLender.name: ManualLender,
    }
    if name not in lenders:
        raise ValueError(f"Unknown lender {name!r}: one of {', '.join(lenders)}")
    return lenders[name]()
