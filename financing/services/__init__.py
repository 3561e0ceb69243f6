"""Writes of the financing domain: applications are scored, decided, sent to the lender,
disbursed, returned and withdrawn only here (docs/deal.md, "The loan" and "Cancelling").
Applications made and decided in `applications.py`, the lender's side (sending, asking,
disbursement) in `lender.py`, withdrawal (the order cancelled or paid otherwise, or the buyer's own) in `withdrawal.py`;
a lender's overpayment held and returned in `overpayment.py`; partner banks' offers asked for and
chosen in `offers.py`, the banks' answers in `answers.py`, a bank's callback secret set and
sealed again in `banks.py`; the dealer's credit discounts
saved with their events in `discounts.py` (docs/financing.md)."""

from financing.services.answers import (
    bank_callback_apply,
    bank_callback_verify,
    offer_answer_record,
    offer_demo_answer,
    offers_time_out,
)
from financing.services.applications import application_create, application_decide
from financing.services.banks import (
    bank_secret_check,
    bank_secret_overlap_hours,
    bank_secret_set,
    bank_secrets_reencrypt,
)
from financing.services.discounts import credit_discount_delete, credit_discount_save
from financing.services.lender import (
    application_disburse,
    application_lender_check,
    application_send,
    lenders_poll,
    order_paid_note,
    trade_in_credit_note,
)
from financing.services.offers import (
    banks_eligible,
    credit_discount_of,
    offer_choose,
    offer_decline_send,
    offer_send,
    offers_request,
)
from financing.services.overpayment import (
    application_overpaid_note,
    application_overpayment_return,
)
from financing.services.withdrawal import (
    application_withdraw,
    order_applications_withdraw,
    order_paid_applications_withdraw,
)

__all__ = [
    "application_create",
    "application_decide",
    "application_disburse",
    "application_lender_check",
    "application_overpaid_note",
    "application_overpayment_return",
    "application_send",
    "application_withdraw",
    "bank_callback_apply",
    "bank_callback_verify",
    "bank_secret_check",
    "bank_secret_overlap_hours",
    "bank_secret_set",
    "bank_secrets_reencrypt",
    "banks_eligible",
    "credit_discount_delete",
    "credit_discount_of",
    "credit_discount_save",
    "lenders_poll",
    "offer_answer_record",
    "offer_choose",
    "offer_decline_send",
    "offer_demo_answer",
    "offer_send",
    "offers_request",
    "offers_time_out",
    "order_applications_withdraw",
    "order_paid_applications_withdraw",
    "order_paid_note",
    "trade_in_credit_note",
]
