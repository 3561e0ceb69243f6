"""Partner banks behind one interface, as lenders and payment providers are (docs/financing.md,
"Banks"). A bank's `adapter` picks how an application reaches it and its answer comes back:

- `manual`: staff send the papers and record the bank's answer (under four eyes above the
  threshold);
- `http`: the application goes as signed JSON to the bank's endpoint, and the bank answers at
  its callback, signed with the bank's secret (financing/banks/http.py);
- `demo`: a bank that answers by itself by its `demo_rules` (financing/banks/demo.py), for
  `make run` and tests; never in production.

`send` is called outside any transaction and is idempotent on the offer's id."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from financing.choices import BankAdapter
from financing.lenders import LenderUnavailable
from financing.models import Bank


class BankUnavailable(LenderUnavailable):
    """A transient failure: the request is tried again later."""


@dataclass(frozen=True)
class BankAnswer:
    """A bank's answer to one application: an offer's terms, or a refusal and its reason."""

    approved: bool
    reference: str = ""
    reason: str = ""
    annual_rate: Decimal | None = None
    term_months: int | None = None
    insurance_premium: Decimal = Decimal("0.00")
    balloon: Decimal = Decimal("0.00")
    valid_days: int = 7
    programme_id: str | None = None
    state_programme_id: str | None = None


class BankClient(Protocol):
    def send(self, bank: Bank, application: dict[str, Any]) -> str:
        """Send an application (docs/financing.md, "The bank's request"); returns the
        bank's reference for it, or "" when it gives none yet."""

    def decline(self, bank: Bank, offer_id: str, reference: str) -> None:
        """The buyer took another offer, or withdrew: the bank is not to lend."""


def bank_client(bank: Bank) -> BankClient:
    from financing.banks.demo import DemoBank
    from financing.banks.http import HttpBank
    from financing.banks.manual import ManualBank

    clients: dict[str, type[BankClient]] = {
        BankAdapter.MANUAL: ManualBank,
        BankAdapter.HTTP: HttpBank,
        BankAdapter.DEMO: DemoBank,
    }
    return clients[bank.adapter]()
