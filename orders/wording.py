"""What an order's status says to its buyer (docs/storefront.md, "Buying"): one wording, in
one place. The order's page renders it, and the live feed carries it in every language of the
site (`realtime.order_live`), so that the page's script only shows what the server wrote and
a socket never says less than the page did. Pure: it reads an order whose lines and links are
loaded, and no database."""

from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

from orders.choices import OrderStatus
from orders.deal import ZERO, deposit_of, loan_of, prepaid
from orders.models import Order

# Each status in the buyer's words, when nothing of the deal says more.
STATUS_WORDS = {
    OrderStatus.PENDING: pgettext_lazy("a buyer's order", "Reserved, waiting for payment"),
    OrderStatus.PAID: pgettext_lazy("a buyer's order", "Paid"),
    OrderStatus.PROCESSING: pgettext_lazy("a buyer's order", "Being prepared for handover"),
    OrderStatus.COMPLETED: pgettext_lazy("a buyer's order", "Handed over"),
    OrderStatus.CANCELLED: pgettext_lazy("a buyer's order", "Cancelled"),
}
# A pending order whose loan is on its way (financing's statuses, as orders notes them): the
# loan is the news, before the prepayment.
LOAN_WORDS = {
    "pending_review": pgettext_lazy(
        "a buyer's order", "Reserved, the loan application is under review"
    ),
    "approved": pgettext_lazy("a buyer's order", "Loan approved, the car is held for you"),
    "sent_to_lender": pgettext_lazy(
        "a buyer's order", "The loan is with the bank, waiting for its payment"
    ),
}
# A pending order whose prepayment is in (`deal.prepaid`).
PREPAID_WORDS = pgettext_lazy("a buyer's order", "Prepayment received, the car is yours to buy")


def status_text(
    *,
    status: str,
    paid_amount: Decimal = ZERO,
    deposit: Decimal = ZERO,
    loan_status: str | None = None,
) -> str:
    """The one wording of an order's state, in the active language: its status, what it holds
    (`paid_amount`) against its prepayment (`deposit`, 0 with no car) and its loan's stage (None
    without one)."""
    if status == OrderStatus.PENDING:
        if loan_words := LOAN_WORDS.get(loan_status or ""):
            return str(loan_words)
        if prepaid(paid=paid_amount, deposit=deposit):
            return str(PREPAID_WORDS)
    return str(STATUS_WORDS[OrderStatus(status)])


class OrderState(TypedDict):
    """What of an order its wording reads."""

    status: str
    paid_amount: Decimal
    deposit: Decimal
    loan_status: str | None


def order_state(order: Order) -> OrderState:
    """The state `status_text` reads, of an order whose lines and links are loaded."""
    loan = loan_of(order)
    return OrderState(
        status=order.status,
        paid_amount=order.paid_amount,
        deposit=deposit_of(order),
        loan_status=loan.status if loan is not None else None,
    )


def order_status_text(order: Order) -> str:
    """`status_text` of an order whose lines and links are loaded."""
    return status_text(**order_state(order))


def order_status_texts(order: Order) -> dict[str, str]:
    """`status_text` of the order in every language of the site, by its code: what the live
    feed sends, since one push reaches pages in either language."""
    state = order_state(order)
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = status_text(**state)
    return texts
