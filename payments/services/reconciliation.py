"""The day's books against the provider's (docs/payments.md, "Reconciliation"): every charge
and refund the provider made that day must be a ledger row with the same provider reference
and amount, and every ledger row of the day must be one of the provider's."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from payments.choices import TransactionType
from payments.models import LedgerTransaction
from payments.providers import Kind, ProviderRecord, get_provider
from payments.services.ledger import provider_call

DB = "payments"
# A ledger row is written when the provider says a charge succeeded, which can be well after
# the provider dated it (a customer who confirms the next morning): the provider's records
# are read this much beyond the day, so that such a row is not taken for an extra one.
MARGIN = timedelta(days=1)
LEDGER_TYPES = {Kind.CHARGE: TransactionType.CHARGE, Kind.REFUND: TransactionType.REFUND}


@dataclass(frozen=True)
class Difference:
    problem: str  # missing (from our ledger), extra (not at the provider) or amount
    kind: Kind
    reference: str
    provider_amount: Decimal | None = None
    ledger_amount: Decimal | None = None
    currency: str = ""

    def __str__(self) -> str:
        amounts = {
            "missing": f"the provider holds {self.provider_amount} {self.currency}, the ledger nothing",
            "extra": f"the ledger holds {self.ledger_amount} {self.currency}, the provider nothing",
            "amount": f"the provider holds {self.provider_amount}, the ledger "
            f"{self.ledger_amount} {self.currency}",
        }
        return f"{self.problem} {self.kind} {self.reference or '(no reference)'}: {amounts[self.problem]}"


def ledger_reconcile(*, day: date, provider: str | None = None) -> list[Difference]:
    """Compare the ledger with the provider's records for `day` (in the site's time zone);
    the differences, none on a clean day. Provider outages propagate."""
    adapter = get_provider(provider)
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    end = start + timedelta(days=1)
    differences = []
    for kind, ledger_type in LEDGER_TYPES.items():
        theirs: dict[str, ProviderRecord] = {
            record.reference: record
            for record in provider_call(adapter.records_between, kind, start - MARGIN, end + MARGIN)
        }
        rows = LedgerTransaction.objects.using(DB).filter(
            type=ledger_type, payment__provider=adapter.name
        )
        matched = {
            row.provider_reference: row for row in rows.filter(provider_reference__in=theirs)
        }
        for reference, record in theirs.items():
            if record.created_at is None or not start <= record.created_at < end:
                continue
            row = matched.get(reference)
            if row is None:
                differences.append(
                    Difference("missing", kind, reference, record.amount, None, record.currency)
                )
            elif (abs(row.amount), row.currency) != (record.amount, record.currency):
                differences.append(
                    Difference(
                        "amount", kind, reference, record.amount, abs(row.amount), row.currency
                    )
                )
        for row in rows.filter(created_at__gte=start, created_at__lt=end):
            if row.provider_reference not in theirs:
                differences.append(
                    Difference(
                        "extra", kind, row.provider_reference, None, abs(row.amount), row.currency
                    )
                )
    return differences
