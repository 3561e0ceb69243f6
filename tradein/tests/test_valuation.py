"""The suggested price's formula (docs/tradein.md, "The suggested price"), on a small history
worked out by hand."""

from decimal import Decimal

from tradein.valuation import Sale, suggested_price

HISTORY = [
    Sale(price=Decimal("900000"), mileage_km=60000),
    Sale(price=Decimal("1000000"), mileage_km=80000),
    Sale(price=Decimal("1100000"), mileage_km=100000),
]


def test_a_car_like_the_sold_ones_is_suggested_at_their_median_less_the_margin():
    # median 1,000,000; median mileage 80,000: no adjustment; good 1.00; less 15%.
    assert suggested_price(HISTORY, mileage_km=80000, condition="good") == Decimal("850000")


def test_mileage_and_condition_move_it_as_the_formula_says():
    # 130,000 km is 50,000 over: 1 − 0.02 × 5 = 0.90; fair 0.90; 1,000,000 × 0.9 × 0.9 × 0.85
    # = 688,500, down to the thousand: 688,000.
    assert suggested_price(HISTORY, mileage_km=130000, condition="fair") == Decimal("688000")
    # 20,000 km is 60,000 under: 1 + 0.12 = 1.12; excellent 1.05: 1,000,000 × 1.12 × 1.05 ×
    # 0.85 = 999,600 → 999,000.
    assert suggested_price(HISTORY, mileage_km=20000, condition="excellent") == Decimal("999000")


def test_the_mileage_factor_is_bounded_and_no_history_suggests_nothing():
    # 400,000 km would be 1 − 0.64: kept at 0.6; poor 0.75: 1,000,000 × 0.6 × 0.75 × 0.85
    # = 382,500 → 382,000.
    assert suggested_price(HISTORY, mileage_km=400000, condition="poor") == Decimal("382000")
    assert suggested_price([], mileage_km=80000, condition="good") is None
