"""A lender for development and tests: it accepts every application it is sent and pays it out
FAKE_LENDER_DISBURSE_AFTER_SECONDS later, in full. It keeps no books: what it would answer
follows from when the application was sent."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from financing.lenders import Disbursement, LoanRequest


class FakeLender:
    name = "fake"

    def submit(self, loan: LoanRequest) -> str:
        return f"FAKE-{loan.application_id}"

    def disbursement(
        self, loan: LoanRequest, reference: str, sent_at: datetime
    ) -> Disbursement | None:
        paid_at = sent_at + timedelta(seconds=settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS)
        if timezone.now() < paid_at:
            return None
        return Disbursement(f"{reference}-PAID", loan.amount, loan.currency, paid_at)

    def cancel(self, loan: LoanRequest, reference: str) -> None:
        pass  # it asks nothing back: financing never asks about a withdrawn loan again

    def next_check_seconds(self) -> float:
        return settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS


class DemoBankLender(FakeLender):
    """A demo bank's loan, once its offer is chosen: it pays like the fake lender
    (financing/banks/demo.py), and is refused with the demo banks in production."""

    name = "demo"
