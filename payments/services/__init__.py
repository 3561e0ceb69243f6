"""Writes of the payments domain. Money moves only here: payments in `payments.py`, the
cancellation saga's refunds in `cancellation.py`, payables other domains own and the lender's
and the trade-in's money in `payables.py`, refunds in `refunds.py`, saved cards in
`methods.py`. No provider call runs inside a transaction or under a row lock: reserve
(commit), call the provider, settle (commit); docs/payments.md and docs/deal.md."""

from payments.services.cancellation import payable_settle_cancelled
from payments.services.methods import payment_method_delete, payment_method_save
from payments.services.payables import (
    loan_record,
    order_financing_note,
    policy_payable_note,
    policy_premium_refund,
    policy_reported,
    registration_payable_note,
    registration_reported,
    trade_in_note,
)
from payments.services.payments import (
    payment_create,
    payment_fail,
    payment_lookup,
    payment_process,
    payment_process_enqueue,
    payment_reconcile,
)
from payments.services.refunds import (
    payment_refund,
    refund_decide,
    refund_execute,
    refund_reserve,
)
from payments.services.sweep import payments_pending_sweep

__all__ = [
    "loan_record",
    "order_financing_note",
    "payable_settle_cancelled",
    "payment_create",
    "payment_fail",
    "payment_lookup",
    "payment_method_delete",
    "payment_method_save",
    "payment_process",
    "payment_process_enqueue",
    "payment_reconcile",
    "payment_refund",
    "payments_pending_sweep",
    "policy_payable_note",
    "policy_premium_refund",
    "policy_reported",
    "refund_decide",
    "refund_execute",
    "refund_reserve",
    "registration_payable_note",
    "registration_reported",
    "trade_in_note",
]
