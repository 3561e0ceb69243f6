"""A partner bank with an HTTP API as the lender of the offer the buyer chose
(financing/banks/http.py): the chosen offer is accepted at the bank, which then reports its
disbursement at our callback (`"kind": "disbursed"`), so there is nothing to poll."""

from datetime import datetime

from financing.banks.http import HttpBank
from financing.lenders import Disbursement, LoanRequest
from financing.models import Bank


class HttpBankLender:
    name = "http"

    def __init__(self, bank: Bank):
        self.bank = bank

    def submit(self, loan: LoanRequest) -> str:
        answer = HttpBank().post(
            self.bank,
            f"{self.bank.endpoint.rstrip('/')}/applications/{loan.offer_id}/accept",
            {"offer_id": loan.offer_id, "amount": str(loan.amount), "currency": loan.currency},
        )
        return str(answer.get("reference", ""))[:100]

    def disbursement(
        self, loan: LoanRequest, reference: str, sent_at: datetime
    ) -> Disbursement | None:
        return None  # the bank calls back

    def cancel(self, loan: LoanRequest, reference: str) -> None:
        HttpBank().decline(self.bank, loan.offer_id, reference)

    def next_check_seconds(self) -> None:
        return None
