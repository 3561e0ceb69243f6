"""Who may put a trade-in towards an order, and how much credit the four eyes guard
(docs/security.md, "Money only from money"): the customer alone takes the customer's steps,
a trade-in goes only into the customer's own `pending` order, and the threshold counts the
customer's whole credit, not one offer."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.db.transactions import turn_take
from common.formatting import money
from common.payables import order_received
from common.types import Actor, Id
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from tradein.choices import TradeInStatus
from tradein.error_codes import TradeInErrorCode
from tradein.models import TradeIn

DB = "tradein"


def customers_own(trade_in_id: Id, user: Actor) -> TradeIn:
    """The trade-in, locked, if it is `user`'s own: a customer's step (accept, decline,
    withdraw) is theirs alone. Anyone else, staff included, gets the 404 a missing one gets
    (docs/security.md, "Money only from money")."""
    trade_in = TradeIn.objects.using(DB).select_for_update().filter(pk=trade_in_id).first()
    if trade_in is None or trade_in.customer_id != user.pk:
        raise ApplicationError(
            _("There is no such trade-in of yours."),
            code=TradeInErrorCode.TRADE_IN_NOT_FOUND,
            status=404,
        )
    return trade_in


def own_pending_order(user: Actor, order_id: Id) -> orders_selectors.OrderView:
    """The order a trade-in may be credited to: the customer's own, still `pending`.
    Another's is a 404 for staff too, so that nobody credits a customer's order with a car
    the customer never put forward; a paid or closed order takes no more credit."""
    order = orders_selectors.order_view_get(user=user, order_id=order_id)
    if order.customer_id != user.pk:
        raise ApplicationError(
            _("There is no such order of yours."),
            code="order_not_found",  # as orders answers another's order
            status=404,
        )
    if order.status != OrderStatus.PENDING:
        raise ApplicationError(
            _("Only an order that waits for payment takes a trade-in."),
            code=TradeInErrorCode.NOT_ATTACHABLE,
            status=409,
        )
    return order


# What an offer or an inspection puts towards an order: every trade-in of the order (or,
# not yet attached, of the customer) that is offered, accepted or inspected.
CREDIT_BEARING = (TradeInStatus.OFFERED, TradeInStatus.ACCEPTED, TradeInStatus.INSPECTED)


def credit_total(trade_in: TradeIn, amount: Decimal) -> Decimal:
    """The credit the four-eyes threshold guards: `amount` for this trade-in with every
    other credit-bearing one of its order, and of its customer's not attached to any order
    (which an order may take later), so that three offers under the threshold on one order
    count as their sum. Counted in the customer's turn, held to the end of the caller's
    transaction: two offers made at once on two of their trade-ins see each other."""
    turn_take(f"tradein-credit:{trade_in.customer_id}", using=DB)
    others = (
        TradeIn.objects.using(DB)
        .filter(status__in=CREDIT_BEARING, customer_id=trade_in.customer_id)
        .filter(Q(order_id__isnull=True) | Q(order_id=trade_in.order_id))
        .exclude(pk=trade_in.pk)
        .aggregate(total=Sum("offer_amount"))["total"]
    )
    return amount + (others or Decimal(0))


def owed_check(trade_in: TradeIn, amount: Decimal) -> None:
    """A confirmed credit pays the order no more than it still owes by payments' ledger (the
    source of truth for money, ahead of what orders has heard): past it, the inspection is
    refused and the offer stays to be lowered, or card money refunded first (docs/deal.md,
    "Never paid past the total")."""
    if trade_in.order_id is None:
        return
    total = orders_selectors.order_total(order_id=trade_in.order_id)
    if total is None:
        return
    owed = max(total - order_received(trade_in.order_id), Decimal("0.00"))
    if amount > owed:
        raise ApplicationError(
            _(
                "The order still owes %(owed)s: a credit of %(amount)s would pay it past its "
                "total. Lower the amount to at most that, or refund the card payment first."
            )
            % {"owed": money(owed, trade_in.currency), "amount": money(amount, trade_in.currency)},
            code=TradeInErrorCode.CREDIT_WOULD_OVERPAY,
            status=409,
            details={"amount": [_("At most %s.") % owed]},
        )
