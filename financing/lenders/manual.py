"""A lender without an API: the application goes to it on paper, and staff record its
disbursement by hand (POST financing/applications/{id}/disburse, or the admin action)."""

from datetime import datetime

from financing.lenders import Disbursement, LoanRequest


class ManualLender:
    name = "manual"

    def submit(self, loan: LoanRequest) -> str:
        return ""  # staff send the papers; the reference comes with the disbursement

    def disbursement(
        self, loan: LoanRequest, reference: str, sent_at: datetime
    ) -> Disbursement | None:
        return None  # only staff know

    def cancel(self, loan: LoanRequest, reference: str) -> None:
        pass

    def next_check_seconds(self) -> None:
        return None
