"""The price a trade-in is suggested at (docs/tradein.md, "The suggested price"): what the
dealership sold the same make, model and year for, adjusted for mileage and condition. A
suggestion for the appraiser, never the offer.

    base      = the median of the comparable sales' prices
    mileage   = 1 − MILEAGE_RATE × (mileage − the sales' median mileage) / 10 000 km,
                kept within [MILEAGE_FLOOR, MILEAGE_CEILING]
    suggested = base × mileage × CONDITION[condition] × (1 − DEALER_MARGIN),
                rounded down to the thousand roubles

The dealer's margin is what it needs to sell the car on: it buys below what it sells at."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from statistics import median

MILEAGE_RATE = Decimal("0.02")  # 2% of the price per 10,000 km over the comparables'
MILEAGE_FLOOR, MILEAGE_CEILING = Decimal("0.6"), Decimal("1.15")
CONDITION = {
    "excellent": Decimal("1.05"),
    "good": Decimal("1.00"),
    "fair": Decimal("0.90"),
    "poor": Decimal("0.75"),
}
DEALER_MARGIN = Decimal("0.15")
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class Sale:
    """A comparable car the dealership sold: its price and its mileage then."""

    price: Decimal
    mileage_km: int


def suggested_price(sales: Sequence[Sale], *, mileage_km: int, condition: str) -> Decimal | None:
    """The suggestion, or None without a comparable sale."""
    if not sales:
        return None
    base = Decimal(median(sale.price for sale in sales))
    typical = Decimal(median(sale.mileage_km for sale in sales))
    mileage = 1 - MILEAGE_RATE * (Decimal(mileage_km) - typical) / 10_000
    mileage = min(max(mileage, MILEAGE_FLOOR), MILEAGE_CEILING)
    value = base * mileage * CONDITION[condition] * (1 - DEALER_MARGIN)
    return (value / THOUSAND).quantize(Decimal(1), rounding=ROUND_DOWN) * THOUSAND
