"""What every money movement shares: the order's lock, the ledger row, the provider call and
the order's captured amount that payment events report."""

from decimal import Decimal

from django.db.models import F, Sum

from common.db import outside_transaction
from payments.breaker import provider_breaker
from payments.choices import CAPTURED_STATUSES, TransactionType
from payments.models import LedgerTransaction, PayableOrder, Payment
from payments.providers import ProviderRecord

DB = "payments"


def payable_locked(order_id) -> PayableOrder:
    """The order's row, locked. Every change of an order's payments takes this lock before
    the payment's own, so that they never deadlock and their sums are read in turn."""
    return PayableOrder.objects.using(DB).select_for_update().get(order_id=order_id)


def payment_locked(payment_id) -> tuple[PayableOrder, Payment]:
    order_id = Payment.objects.using(DB).values_list("order_id", flat=True).get(pk=payment_id)
    payable = payable_locked(order_id)
    return payable, Payment.objects.using(DB).select_for_update().get(pk=payment_id)


def ledger_record(
    payment: Payment, type: TransactionType, amount: Decimal, *, reference: str
) -> None:
    LedgerTransaction.objects.using(DB).create(
        provider_reference=reference,
        payment=payment,
        order_id=payment.order_id,
        customer_id=payment.customer_id,
        type=type,
        amount=amount,
        currency=payment.currency,
    )


def captured_changed(payable: PayableOrder) -> dict:
    """Call under the order's lock once a charge or refund is written: a new version of what
    the order has captured, net of refunds, for the event that reports it. Orders keeps the
    newest version it has seen, whatever order the events arrive in."""
    payable.captured_version += 1
    payable.save(using=DB, update_fields=["captured_version", "updated_at"])
    captured = Payment.objects.using(DB).filter(
        order_id=payable.order_id, status__in=CAPTURED_STATUSES
    ).aggregate(paid=Sum(F("amount") - F("refunded_amount")))["paid"] or Decimal("0.00")
    return {"order_paid_amount": str(captured), "order_paid_version": payable.captured_version}


def provider_call(method, *args, **kwargs):
    """Call the provider through the circuit breaker, never inside a transaction."""
    outside_transaction(f"The payment provider's {method.__name__}")
    return provider_breaker().call(method, *args, **kwargs)


def disagreement(held: ProviderRecord, *, ours, amount: Decimal, currency: str) -> str:
    """Why the provider's record cannot be our charge or refund `ours` of `amount` (it is
    another one's, of another amount), or "" when it can."""
    if held.ours and held.ours != str(ours):
        return f"the provider's record {held.reference} belongs to {held.ours}, not {ours}"
    if held.amount is not None and (held.amount, held.currency) != (amount, currency):
        return f"the provider holds {held.amount} {held.currency}, not {amount} {currency}"
    return ""
