"""What every money movement shares: the payable's lock, the ledger row, the provider call and
the payable's received amount that payment events report."""

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import ParamSpec, TypeVar

from common.db.transactions import outside_transaction
from common.types import Id
from orders import selectors as orders_selectors
from payments.breaker import provider_breaker
from payments.choices import TransactionType
from payments.models import LedgerTransaction, Payable, Payment
from payments.providers import ProviderRecord
from payments.selectors import received

DB = "payments"
P = ParamSpec("P")
R = TypeVar("R")


def payable_locked(payable_id: Id) -> Payable:
    """The payable's row, locked. Every change of a payable's money takes this lock before
    the payment's own, so that they never deadlock and their sums are read in turn."""
    return Payable.objects.using(DB).select_for_update().get(payable_id=payable_id)


def showroom_of(order_id: Id | None) -> uuid.UUID | None:
    """The showroom a payable of the order belongs to, noted when payments first learns of
    the payable: the order's (docs/showrooms.md, "Staff per showroom")."""
    return orders_selectors.order_showroom(order_id=order_id) if order_id else None


def payment_locked(payment_id: Id) -> tuple[Payable, Payment]:
    payable_id = Payment.objects.using(DB).values_list("payable_id", flat=True).get(pk=payment_id)
    payable = payable_locked(payable_id)
    return payable, Payment.objects.using(DB).select_for_update().get(pk=payment_id)


def ledger_record(
    payment: Payment, type: TransactionType, amount: Decimal, *, reference: str
) -> None:
    LedgerTransaction.objects.using(DB).create(
        provider_reference=reference,
        payment=payment,
        payable_id=payment.payable_id,
        payable_kind=payment.payable_kind,
        customer_id=payment.customer_id,
        type=type,
        amount=amount,
        currency=payment.currency,
    )


def captured_changed(payable: Payable) -> dict[str, str | int]:
    """Call under the payable's lock once money moved against it: a new version of what it
    has received, for the event that reports it. The payable's owner (orders, the showroom,
    insurance) keeps the newest version it has seen, whatever order the events arrive in."""
    payable.captured_version += 1
    payable.save(using=DB, update_fields=["captured_version", "updated_at"])
    return {
        "payable_paid_amount": str(received(payable.payable_id)),
        "payable_paid_version": payable.captured_version,
    }


def provider_call(method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call the provider through the circuit breaker, never inside a transaction."""
    outside_transaction(f"The payment provider's {method.__name__}")
    return provider_breaker().call(method, *args, **kwargs)


def disagreement(held: ProviderRecord, *, ours: uuid.UUID, amount: Decimal, currency: str) -> str:
    """Why the provider's record cannot be our charge or refund `ours` of `amount` (it is
    another one's, of another amount), or "" when it can."""
    if held.ours and held.ours != str(ours):
        return f"the provider's record {held.reference} belongs to {held.ours}, not {ours}"
    if held.amount is not None and (held.amount, held.currency) != (amount, currency):
        return f"the provider holds {held.amount} {held.currency}, not {amount} {currency}"
    return ""
