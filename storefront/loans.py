"""The partner banks' part of the order's page (docs/storefront.md, "Loans from several banks"):
the banks an open application may go to, or the offers they made, side by side."""

from typing import Any

from accounts import selectors as accounts_selectors
from accounts.choices import ConsentPurpose
from financing import selectors as financing
from financing import services as financing_services
from financing.choices import ApplicationStatus, OfferStatus


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
