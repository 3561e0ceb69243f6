"""The buyer's loan on the storefront: the checkout's loan plan, which counts what the buyer
has already paid towards the down payment and makes nothing when it refuses
(docs/storefront.md, "Buying"), and the partner banks' part of the order's page
(docs/storefront.md, "Loans from several banks"): the banks an open application may go to,
or the offers they made, side by side."""

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from accounts.choices import ConsentPurpose
from common import formatting
from common.api.exceptions import ApplicationError
from financing import selectors as financing
from financing import services as financing_services
from financing.choices import OPEN_STATUSES, ApplicationStatus, FinancingType, OfferStatus

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")
# Financing's refusal of a second open application for an order (its error code).
ALREADY_OPEN = "application_already_open"
# The checkout's field that a refusal of the loan plan is about, by the name of its detail
# (financing's scoring, payments' balance, the checks below): it is told beside that field.
FIELD_OF_DETAIL = {
    "down_payment": "down_payment",
    "loan_amount": "down_payment",
    "amount": "down_payment",
    "term_months": "term_months",
    "monthly_income": "monthly_income",
    "employment_status": "employment_status",
}


def roubles(amount: Decimal, currency: str) -> str:
    """An amount as the storefront writes a price, `600 000 ₽` (its `price` filter), with
    the kopecks where there are any."""
    return formatting.money(amount, currency, whole=amount == amount.to_integral_value())


def paid_towards_down_payment(deal: Any) -> Decimal:
    """What the order holds already (the prepayment, a credited trade-in): part of a loan's
    down payment, as financing counts it before the loan goes to the lender (docs/deal.md,
    "The loan")."""
    return max(deal.order.total_amount - deal.balance_due, ZERO)


def field_of(error: ApplicationError) -> str | None:
    """The checkout's field a refusal of the loan plan is about; None for the whole form."""
    return next((FIELD_OF_DETAIL[name] for name in error.details if name in FIELD_OF_DETAIL), None)


@dataclass(frozen=True)
class LoanCheckout:
    """The checkout's loan: its application (`created` by this request, or the one already
    open), its down payment and what the buyer has paid towards it already."""

    application: Any
    created: bool
    down_payment: Decimal
    paid: Decimal
    currency: str

    @property
    def owed(self) -> Decimal:
        """What is still to pay of the down payment now; nothing once it is covered."""
        return max(self.down_payment - self.paid, ZERO)

    @property
    def note(self) -> str:
        """What the buyer is told: how much of the down payment was paid already and what
        is paid now; nothing when nothing was paid before."""
        if self.paid <= 0:
            return ""
        figures = {
            "down": roubles(self.down_payment, self.currency),
            "paid": roubles(self.paid, self.currency),
            "owed": roubles(self.owed, self.currency),
        }
        if self.owed > 0:
            return (
                _(
                    "Of the down payment of %(down)s you have already paid %(paid)s; "
                    "due now: %(owed)s."
                )
                % figures
            )
        return (
            _(
                "The down payment of %(down)s is covered by what you have already paid, "
                "%(paid)s: nothing more is due now."
            )
            % figures
        )


def loan_checkout(*, buyer: Any, deal: Any, data: dict[str, Any]) -> LoanCheckout:
    """The order's loan for the checkout's loan plan: the application already open (the
    form sent again after a down payment that did not go through) or a new one, applied for
    only once everything that can be checked beforehand holds, so that a refusal leaves
    nothing behind (no application, no approval e-mail). Raises `ApplicationError`, whose
    `details` name the field it is about (`field_of`)."""
    order, paid = deal.order, paid_towards_down_payment(deal)
    application = _open_application(buyer, order.pk)
    down = data["down_payment"] if application is None else application.down_payment
    loan = LoanCheckout(application, application is None, down, paid, order.currency)
    if loan.owed > 0 and deal.pending > 0:  # payments would count it, and refuse the rest
        raise ApplicationError(
            _(
                "Your payment of %(amount)s is still being confirmed: once it is in, it counts "
                "towards the down payment. Send the form again in a minute."
            )
            % {"amount": roubles(deal.pending, order.currency)},
            code="payment_pending",
            status=409,
        )
    if application is not None:
        return loan
    fields = {
        "vehicle_price": order.total_amount,
        "down_payment": data["down_payment"],
        "term_months": data["term_months"],
        "financing_type": FinancingType.CAR_LOAN,
        "monthly_income": data["monthly_income"],
    }
    _check_terms(buyer, loan, fields)
    try:
        application = financing_services.application_create(
            user=buyer, order_id=order.pk, employment_status=data["employment_status"], **fields
        )
    except ApplicationError as error:
        # The same form sent twice at once: the other request applied, and its
        # application is the one whose down payment is due.
        application = _open_application(buyer, order.pk)
        if error.code != ALREADY_OPEN or application is None:
            raise
        return LoanCheckout(application, False, application.down_payment, paid, order.currency)
    return LoanCheckout(application, True, application.down_payment, paid, order.currency)


def _check_terms(buyer: Any, loan: LoanCheckout, fields: dict[str, Any]) -> None:
    """Refuse beforehand what the application would be refused or rejected for: a down
    payment below what is paid already (the loan would pay the order past its price), terms
    scoring refuses, and an income it rejects the loan for."""
    if loan.down_payment < loan.paid:
        paid = roubles(loan.paid, loan.currency)
        raise ApplicationError(
            _("You have already paid %(paid)s: the down payment cannot be less.") % {"paid": paid},
            code="down_payment_below_paid",
            details={"down_payment": [paid]},
        )
    offer = financing.loan_offer_today(**fields, email_verified=buyer.email_verified)
    if offer.status == ApplicationStatus.REJECTED:
        raise ApplicationError(
            _(
                "With this income the loan would be refused: its payment would take "
                "%(share)s %% of it. A larger down payment or a longer term lowers the payment."
            )
            % {"share": formatting.percent(offer.debt_to_income)},
            code="loan_rejected",
            details={"monthly_income": [str(offer.debt_to_income)]},
        )


def loan_checkout_undone(buyer: Any, loan: LoanCheckout) -> None:
    """The down payment failed after this request applied: the application is withdrawn,
    so that no loan stands for a form the buyer is shown as refused."""
    if not loan.created:
        return
    try:
        financing_services.application_withdraw(user=buyer, application_id=loan.application.pk)
    except ApplicationError:
        logger.exception(
            "Application %s is left open after its down payment failed", loan.application.pk
        )


def _open_application(buyer: Any, order_id: Any) -> Any:
    return (
        financing.application_list(user=buyer)
        .filter(order_id=order_id, status__in=OPEN_STATUSES)
        .first()
    )


def loan_context(buyer: Any, loan: Any) -> dict[str, Any]:
    """`banks` to send `loan` to with the `credit_discount` it would earn, or its `offers`
    cheapest first with the `best` one, and whether one is still awaited (the page asks
    again); whether the buyer may still give the loan up."""
    open_ = loan is not None and loan.status in (
        ApplicationStatus.PENDING_REVIEW,
        ApplicationStatus.APPROVED,
    )
    if loan is None or not loan.asks_banks:
        banks = financing_services.banks_eligible(loan) if open_ and loan.bank_id is None else []
        return {
            "may_give_up": open_,
            "banks": banks,
            "credit_discount": financing_services.credit_discount_of(loan) if banks else None,
            "loan_consent": accounts_selectors.consent_text(purpose=ConsentPurpose.LOAN)
            if banks
            else None,
        }
    offers = list(financing.offers_of(user=buyer, application_id=loan.pk))
    return {
        "may_give_up": open_,
        "offers": offers,
        "best": financing.best_offer(offers),
        "awaiting": any(offer.status == OfferStatus.REQUESTED for offer in offers),
        "may_choose": loan.status == ApplicationStatus.APPROVED and loan.bank_id is None,
    }
