"""Lenders behind one interface, as payment providers are (docs/deal.md, "The loan").
`get_lender()` returns the one `FINANCING_LENDER` names: `fake`, which disburses by itself
FAKE_LENDER_DISBURSE_AFTER_SECONDS after it received the application, or `manual`, a
lender without an API whose disbursements staff record by hand.

Every call is idempotent on our application's id, and no call runs inside a transaction:
financing records what it asked (commit), asks, and records the answer (commit)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from financing.models import Bank


class LenderUnavailable(Exception):
    """A transient failure: the call is retried later (the poll, the next send)."""


@dataclass(frozen=True)
class LoanRequest:
    application_id: str
    amount: Decimal
    currency: str
    term_months: int
    customer_id: str
    offer_id: str = ""  # the partner bank's offer the buyer chose, if any


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


def get_lender(name: str | None = None, *, bank: "Bank | None" = None) -> Lender:
    """The lender `name` (by default FINANCING_LENDER's); for a partner bank's loan, the one
    its adapter names, acting for `bank`."""
    from financing.lenders.bank import HttpBankLender
    from financing.lenders.fake import DemoBankLender, FakeLender
    from financing.lenders.manual import ManualLender

    name = name or settings.FINANCING_LENDER
    if name == HttpBankLender.name:
        assert bank is not None, "an HTTP bank's loan is lent by its bank"
        return HttpBankLender(bank)
    lenders: dict[str, type[Lender]] = {
        FakeLender.name: FakeLender,
        ManualLender.name: ManualLender,
        DemoBankLender.name: DemoBankLender,
    }
    if name not in lenders:
        raise ValueError(f"Unknown lender {name!r}: one of {', '.join(lenders)}")
    if name == DemoBankLender.name and not settings.FINANCING_DEMO_BANKS:
        raise ValueError("A demo bank's loan: FINANCING_DEMO_BANKS is off.")
    return lenders[name]()
