"""Reads of the payments domain, scoped to who asks."""

from decimal import Decimal

from django.db.models import F, QuerySet, Sum
from django.http import Http404

from payments.choices import CAPTURED_STATUSES
from payments.models import LedgerTransaction, Payment, SavedPaymentMethod


def payment_list(*, user) -> QuerySet[Payment]:
    payments = Payment.objects.all()
    return payments if user.is_staff else payments.filter(customer_id=user.pk)


def payment_get(*, user, payment_id) -> Payment:
    """Another client's payment is a 404, like a missing one."""
    payment = payment_list(user=user).filter(pk=payment_id).first()
    if payment is None:
        raise Http404
    return payment


def order_paid_amount(*, order_id) -> Decimal:
    """What has been captured for an order, net of refunds."""
    paid = Payment.objects.filter(order_id=order_id, status__in=CAPTURED_STATUSES).aggregate(
        paid=Sum(F("amount") - F("refunded_amount"))
    )["paid"]
    return paid or Decimal("0.00")


def ledger_list(*, user) -> QuerySet[LedgerTransaction]:
    rows = LedgerTransaction.objects.all()
    return rows if user.is_staff else rows.filter(customer_id=user.pk)


def payment_method_list(*, user) -> QuerySet[SavedPaymentMethod]:
    """Saved cards are their owner's alone, staff included."""
    return SavedPaymentMethod.objects.filter(owner_id=user.pk)


def payment_method_get(*, user, method_id) -> SavedPaymentMethod:
    method = payment_method_list(user=user).filter(pk=method_id).first()
    if method is None:
        raise Http404
    return method
