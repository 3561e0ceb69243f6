"""Why a loan application is in its status (docs/deal.md, "Scoring"): each reason is stored as
a code with its figures (`LoanApplication.reasons`: `{"code": ..., "params": {...}}`), so that
it reads in whoever's language looks at it; the API gives the code, the figures and the
label. Reasons written before the codes were plain English text: they read as they are."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from common.formatting import money
from financing.choices import FinancingType

REASONS: dict[str, StrOrPromise] = {
    "rate": _(
        "Annual rate %(rate)s%% for a %(financing_type)s of %(term)s months with %(down)s%% "
        "down (rate table %(table)s)."
    ),
    "dti_within": _("Debt-to-income ratio %(dti)s%% is within %(limit)s%%."),
    "dti_review": _(
        "Debt-to-income ratio %(dti)s%% is above %(limit)s%%: a manager reviews the application."
    ),
    "dti_over": _("Debt-to-income ratio %(dti)s%% is above the %(limit)s%% limit."),
    "income_capped": _("The declared income counts up to %(cap)s."),
    "held_amount": _("A loan above %(max)s is approved by a manager only."),
    "held_down_payment": _(
        "A down payment under %(percent)s%% of the price is approved by a manager only."
    ),
    "held_unverified": _("An applicant without a verified e-mail is approved by a manager only."),
    "staff_decision": _("Staff decision: %(reason)s"),
    "order_cancelled": _("The order was cancelled."),
    "returned_cancelled": _("The order was cancelled: the loan goes back to the lender."),
    "returned_late": _("Disbursed after the order was cancelled: returned to the lender."),
    "bank_offer": _("The offer of %(bank)s chosen: %(rate)s%% a year, full cost %(full_cost)s%%."),
    "credit_discount": _(
        "%(name)s: the price and the loan lowered by %(amount)s with a partner bank."
    ),
    "buyer_withdrew": _("The buyer gave the loan up; the price is as without it."),
    "order_paid_otherwise": _("The order was paid in full by other money: no loan is needed."),
    "overpayment_held": _(
        "The lender's %(amount)s arrived for an order already paid: held to return to it."
    ),
    "overpayment_returned": _("The lender's overpayment was returned to it."),
    "note": "%(text)s",
}
# How each figure reads: a percentage or a rate in the reader's decimals, an amount in roubles.
_PERCENTAGES = frozenset({"rate", "dti", "limit", "down", "percent", "full_cost"})
_AMOUNTS = frozenset({"cap", "max", "amount"})


# A stored reason: {"code": "dti_within", "params": {"dti": "24.41", "limit": "40"}}.
Reason = dict[str, Any]


def reason(code: str, **params: object) -> Reason:
    """A reason to store: its code and its figures, as text (JSON keeps no Decimal)."""
    assert code in REASONS, code
    return {"code": code, "params": {name: str(value) for name, value in params.items()}}


def reason_label(item: Mapping[str, Any] | str) -> str:
    """The reason in the active language."""
    if isinstance(item, str):  # written before the codes
        return item
    params: dict[str, object] = dict(item.get("params", {}))
    for name, value in params.items():
        if name in _PERCENTAGES:
            params[name] = number_format(Decimal(str(value)), use_l10n=True)
        elif name in _AMOUNTS:
            params[name] = money(Decimal(str(value)), "RUB", whole=True)
        elif name == "financing_type":
            params[name] = str(FinancingType(str(value)).label).lower()
    return str(REASONS.get(item["code"], "%(text)s")) % params


def reason_code(item: Mapping[str, Any] | str) -> str:
    return "note" if isinstance(item, str) else str(item["code"])
