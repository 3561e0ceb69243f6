"""Reads of the trade-in domain, scoped to who asks: a customer sees their own trade-ins
(another's is a 404, like a missing one), staff see all."""

from decimal import Decimal

from django.db.models import QuerySet

from catalog import selectors as catalog_selectors
from common.exceptions import ApplicationError
from common.types import Actor, Id
from orders import selectors as orders_selectors
from tradein import valuation
from tradein.error_codes import TradeInErrorCode
from tradein.models import TradeIn


def trade_in_list(*, user: Actor) -> QuerySet[TradeIn]:
    trade_ins = TradeIn.objects.prefetch_related("photos", "decisions")
    return trade_ins if user.is_staff else trade_ins.filter(customer_id=user.pk)


def trade_in_get(*, user: Actor, trade_in_id: Id) -> TradeIn:
    trade_in = trade_in_list(user=user).filter(pk=trade_in_id).first()
    if trade_in is None:
        raise ApplicationError(
            "There is no such trade-in of yours.",
            code=TradeInErrorCode.TRADE_IN_NOT_FOUND,
            status=404,
        )
    return trade_in


def suggested_price(trade_in: TradeIn) -> Decimal | None:
    """What the dealership's own sales of the same make, model and year suggest
    (tradein/valuation.py), for the appraiser; None without one."""
    mileages = catalog_selectors.vehicle_mileages(
        make=trade_in.make, model=trade_in.model, year=trade_in.year
    )
    prices = orders_selectors.vehicle_sale_prices(product_ids=list(mileages))
    sales = [
        valuation.Sale(price=price, mileage_km=mileages[product_id]) for product_id, price in prices
    ]
    return valuation.suggested_price(
        sales, mileage_km=trade_in.mileage_km, condition=trade_in.condition
    )
