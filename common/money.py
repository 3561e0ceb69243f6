"""Money (docs/api.md, "Money"): `Decimal` only, never float; amounts quantized to kopecks with
ROUND_HALF_UP, explicitly, wherever a computation can leave more digits."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rest_framework import serializers

CENT = Decimal("0.01")
MAX_DIGITS = 14  # up to 999,999,999,999.99, the columns' size


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyField(serializers.DecimalField):
    """An amount in the API: a string with at most two decimals, refused with more."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=MAX_DIGITS, decimal_places=2, **kwargs)
