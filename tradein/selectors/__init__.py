"""Reads of the trade-in domain, scoped to who asks: a customer sees their own trade-ins
(another's is a 404, like a missing one), staff those of their showrooms
(common.showrooms)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import QuerySet

from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError
from common.showrooms import visible_to
from common.types import Actor, Id
from orders import selectors as orders_selectors
from tradein import valuation
from tradein.choices import TradeInStatus
from tradein.error_codes import TradeInErrorCode
from tradein.models import TradeIn


def trade_in_list(*, user: Actor) -> QuerySet[TradeIn]:
    trade_ins = TradeIn.objects.prefetch_related("photos", "decisions")
    return visible_to(user, trade_ins)


def trade_in_get(*, user: Actor, trade_in_id: Id) -> TradeIn:
    trade_in = trade_in_list(user=user).filter(pk=trade_in_id).first()
    if trade_in is None:
        raise ApplicationError(
            "There is no such trade-in of yours.",
            code=TradeInErrorCode.TRADE_IN_NOT_FOUND,
            status=404,
        )
    return trade_in


# The statuses in which a trade-in may still be credited to an order.
CREDITABLE = (TradeInStatus.SUBMITTED, TradeInStatus.OFFERED, TradeInStatus.ACCEPTED)


def trade_ins_to_credit(*, user: Actor) -> list[TradeIn]:
    """The customer's trade-ins asked for on their own and still open, which an order of
    theirs may take as its credit (services.trade_in_attach)."""
    return list(
        trade_in_list(user=user).filter(
            customer_id=user.pk,
            order_id__isnull=True,
            status__in=CREDITABLE,
        )[:5]
    )


@dataclass(frozen=True)
class Offer:
    """A trade-in's standing offer, as notifications tell its customer of it."""

    trade_in_id: UUID
    customer_id: UUID
    car: str
    amount: Decimal
    currency: str
    valid_until: datetime


def _offers(trade_ins: QuerySet[TradeIn]) -> list[Offer]:
    rows = trade_ins.filter(status=TradeInStatus.OFFERED).values_list(
        "pk", "customer_id", "make", "model", "year", "offer_amount", "currency",
        "offer_valid_until",
    )  # fmt: skip
    return [
        Offer(pk, customer, f"{make} {model}, {year}", amount, currency, until)
        for pk, customer, make, model, year, amount, currency, until in rows
        if amount is not None and until is not None  # an offered one has both
    ]


def offer_of(*, trade_in_id: Id) -> Offer | None:
    return next(iter(_offers(TradeIn.objects.filter(pk=trade_in_id))), None)


def offers_expiring(*, after: datetime, until: datetime) -> list[Offer]:
    """The standing offers whose date falls in (after, until]."""
    return _offers(
        TradeIn.objects.filter(offer_valid_until__gt=after, offer_valid_until__lte=until)
    )


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


def contract_cars(*, order_id: Id) -> list[dict[str, str]]:
    """The cars the dealership buys back under an order: its trade-ins as inspected (or
    since taken into stock), as the buy-back contract states them (docs/documents.md)."""
    bought = TradeIn.objects.filter(
        order_id=order_id, status__in=(TradeInStatus.INSPECTED, TradeInStatus.COMPLETED)
    ).order_by("inspected_at")
    return [
        {
            "id": str(trade_in.pk),
            "make": trade_in.make,
            "model": trade_in.model,
            "year": str(trade_in.year),
            "vin": trade_in.vin,
            "mileage_km": str(trade_in.inspected_mileage_km or trade_in.mileage_km),
            "owners_count": str(trade_in.owners_count),
            "condition_label": str(trade_in.get_condition_display()),
            "findings": trade_in.findings,
            "amount": f"{trade_in.offer_amount or 0:.2f}",
            "inspected_at": trade_in.inspected_at.isoformat() if trade_in.inspected_at else "",
        }
        for trade_in in bought
    ]
