"""Writes of the financing domain: applications are scored, decided, sent to the lender,
disbursed, returned and withdrawn only here (docs/deal.md, "The loan" and "Cancelling").
Applications made and decided in `applications.py`, the lender's side (sending, asking,
disbursement) in `lender.py`, withdrawal when the order is cancelled in `withdrawal.py`."""

from financing.services.applications import application_create, application_decide
from financing.services.lender import (
    application_disburse,
    application_lender_check,
    application_send,
    lenders_poll,
    order_paid_note,
    trade_in_credit_note,
)
from financing.services.withdrawal import order_applications_withdraw

__all__ = [
    "application_create",
    "application_decide",
    "application_disburse",
    "application_lender_check",
    "application_send",
    "lenders_poll",
    "order_applications_withdraw",
    "order_paid_note",
    "trade_in_credit_note",
]
