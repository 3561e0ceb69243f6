"""Demo banks, for `make run` and tests: each answers by itself, FINANCING_DEMO_BANK_ANSWER_SECONDS
after it is asked, by its programmes and its `demo_rules` (docs/financing.md, "Demo banks"):

- `refuse_down_payment_below`: percent; a smaller down payment is refused, with `refusal` as
  the reason;
- `refuse_loan_above`: roubles; a larger loan is refused likewise.

FINANCING_DEMO_BANKS false (production) refuses to send anything to one."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from financing.models import Bank


class DemoBank:
    def send(self, bank: Bank, application: dict[str, Any]) -> str:
        if not settings.FINANCING_DEMO_BANKS:
            raise ImproperlyConfigured(f"{bank.name} is a demo bank: FINANCING_DEMO_BANKS is off.")
        from financing import tasks

        tasks.offer_demo_answer_task.apply_async(
            (application["offer_id"],), countdown=settings.FINANCING_DEMO_BANK_ANSWER_SECONDS
        )
        return f"DEMO-{application['offer_id']}"

    def decline(self, bank: Bank, offer_id: str, reference: str) -> None:
        pass


def demo_refusal(bank: Bank, *, down_payment_percent: Decimal, loan_amount: Decimal) -> str:
    """Why the demo bank refuses, by its rules; "" when it does not."""
    rules = bank.demo_rules or {}
    refusal = rules.get("refusal", "")
    least = rules.get("refuse_down_payment_below")
    if least is not None and down_payment_percent < Decimal(str(least)):
        return refusal or f"A down payment under {least}% is refused."
    most = rules.get("refuse_loan_above")
    if most is not None and loan_amount > Decimal(str(most)):
        return refusal or f"A loan above {most} is refused."
    return ""
