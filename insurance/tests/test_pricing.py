"""The tariffs: OSAGO coefficients from the directive, KASKO by vehicle age and make group,
the pro-rata refund, and two properties over every input."""

import operator
from datetime import date
from decimal import Decimal
from functools import reduce

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from common.money import to_cents
from insurance import pricing, rulesets, services
from insurance.factors import factor_name
from tests.properties import sized_property

OSAGO_DEFAULTS = {
    "territory": "moscow",
    "bonus_malus_class": "3",
    "unlimited_drivers": False,
    "driver_age": 35,
    "driver_experience_years": 10,
    "engine_power_hp": 100,
    "period_months": 12,
}


def factor(price: pricing.Price, code: str) -> Decimal:
    return next(f.value for f in price.factors if f.code == code)


@pytest.mark.parametrize(
    ("hp", "coefficient"),
    [
        (1, "0.6"),
        (50, "0.6"),
        (51, "1.0"),
        (70, "1.0"),
        (71, "1.1"),
        (100, "1.1"),
        (101, "1.2"),
        (120, "1.2"),
        (121, "1.4"),
        (150, "1.4"),
        (151, "1.6"),
        (2000, "1.6"),
        (None, "1.6"),  # not stated: the top band
    ],
)
def test_engine_power_coefficient_at_each_bracket_boundary(hp, coefficient):
    price = pricing.osago_price(**{**OSAGO_DEFAULTS, "engine_power_hp": hp})

    assert factor(price, "engine_power") == Decimal(coefficient)
    # 8665.00 × 1.8 (Moscow) × 1.17 (class 3) × 0.94 (35 years old, 10 driving) × 1 × КМ × 1.0
    assert price.premium == to_cents(Decimal("17153.5806") * Decimal(coefficient))


def test_a_driver_with_no_history_starts_in_class_3_at_1_17():
    default_class = rulesets.OSAGO.default_bonus_malus_class
    price = pricing.osago_price(**{**OSAGO_DEFAULTS, "bonus_malus_class": default_class})

    assert default_class == "3"
    assert factor(price, "bonus_malus") == Decimal("1.17")


@pytest.mark.parametrize(
    ("age", "experience", "coefficient"),
    [
        (18, 0, "2.27"),  # the youngest row, its first column
        (21, 5, "1.62"),  # the youngest row's last column: 5–6 years
        (22, 0, "1.88"),  # the next age band
        (24, 8, "1.09"),  # 7–9 years
        (29, 2, "1.54"),
        (29, 3, "1.09"),  # 3–4 years: the step after two
        (34, 14, "0.97"),  # 10–14 years
        (35, 15, "0.93"),  # over 14
        (49, 4, "0.96"),
        (59, 30, "0.86"),
        (60, 0, "1.43"),  # 60 and over
        (100, 84, "0.83"),  # the table's smallest value
    ],
)
def test_osago_age_and_experience_at_the_bands_edges(age, experience, coefficient):
    price = pricing.osago_price(
        **{**OSAGO_DEFAULTS, "driver_age": age, "driver_experience_years": experience}
    )

    assert factor(price, "age_experience") == Decimal(coefficient)


def test_an_osago_premium_is_the_product_of_every_coefficient_with_its_source():
    price = pricing.osago_price(
        territory="saint_petersburg",
        bonus_malus_class="5",
        unlimited_drivers=False,
        driver_age=21,
        driver_experience_years=2,
        engine_power_hp=130,
        period_months=6,
    )

    assert [(f.code, f.value) for f in price.factors] == [
        ("base_rate", Decimal("8665.00")),  # the top of the 1399–8665 corridor
        ("territory", Decimal("1.64")),
        ("bonus_malus", Decimal("0.91")),
        ("age_experience", Decimal("1.84")),  # up to 21 years old, 2 years driving
        ("unlimited_drivers", Decimal("1")),
        ("engine_power", Decimal("1.4")),
        ("period_of_use", Decimal("0.7")),
    ]
    # Worked by hand: 8665 × 1.64 = 14210.6; × 0.91 = 12931.646; × 1.84 = 23794.22864;
    # × 1.4 = 33311.920096; × 0.7 = 23318.3440672 → 23318.34, under the limit of
    # 3 × 8665 × 1.64 = 42631.80.
    assert price.premium == Decimal("23318.34")
    assert price.ruleset_version == "osago-6007u-2025.12"
    assert all("Directive No. 6007-U of 08.12.2021" in f.source for f in price.factors)
    assert all("No. 7204-U of 09.10.2025" in f.source for f in price.factors)


def test_the_directive_in_force_prices_osago_and_the_replaced_one_stays_for_old_quotes():
    assert rulesets.OSAGO is rulesets.OSAGO_2025
    low, high = rulesets.OSAGO.base_rate_corridor
    assert low <= rulesets.OSAGO.base_rate == high == Decimal("8665.00")

    before = pricing.osago_price(**OSAGO_DEFAULTS, ruleset=rulesets.OSAGO_2015)

    # 4118 × 2.0 (Moscow then) × 1.0 (class 3 then) × 1.0 × 1 × 1.1 × 1.0
    assert (before.ruleset_version, before.premium) == ("osago-3384u-2015.04", Decimal("9059.60"))


def test_osago_with_anyone_driving_applies_the_unlimited_drivers_coefficient():
    price = pricing.osago_price(
        **{
            **OSAGO_DEFAULTS,
            "unlimited_drivers": True,
            "driver_age": None,
            "bonus_malus_class": "13",
        }
    )

    assert factor(price, "age_experience") == Decimal("1")
    assert factor(price, "unlimited_drivers") == Decimal("3.16")
    # 8665 × 1.8 = 15597; × 0.46 = 7174.62; × 3.16 = 22671.7992; × 1.1 = 24938.97912
    assert price.premium == Decimal("24938.98")
    assert "premium_limit" not in [f.code for f in price.factors]


def test_an_osago_premium_over_the_statutory_limit_is_the_limit_with_a_factor_saying_so():
    price = pricing.osago_price(
        **{
            **OSAGO_DEFAULTS,
            "unlimited_drivers": True,
            "driver_age": None,
            "bonus_malus_class": "M",
        }
    )

    # 8665 × 1.8 × 3.92 × 1 × 3.16 × 1.1 = 212590.06... is over 3 × 8665 × 1.8 = 46791.00.
    assert price.premium == Decimal("46791.00")
    limit = price.factors[-1]
    assert (limit.code, limit.params) == ("premium_limit", {"limit": "46791.00", "currency": "RUB"})
    assert "40-FZ" in limit.source and "art. 9(3)" in limit.source
    assert to_cents(reduce(operator.mul, (f.value for f in price.factors))) == price.premium
    with translation.override("ru"):
        assert limit.name == "Предел по закону: не более 46\xa0791,00\xa0₽"
    with translation.override("en"):
        assert limit.name == "Statutory limit: at most 46,791.00\xa0RUB"


@pytest.mark.parametrize(
    ("age", "make", "premium"),
    [
        (0, "Skoda", "40000.00"),  # 1,000,000 × 0.040 × 1.00
        (1, "Skoda", "45000.00"),
        (2, "Lada", "50000.00"),
        (3, "Lada", "55000.00"),
        (4, "Lada", "60000.00"),
        (6, "Lada", "65000.00"),
        (7, "Lada", "75000.00"),
        (25, "Lada", "75000.00"),
        (0, "BMW", "48000.00"),  # premium group 1.20
        (0, "mercedes-benz", "48000.00"),
        (0, "Toyota", "52000.00"),  # high theft risk 1.30
        (5, " land  rover ", "84500.00"),  # 0.065 × 1.30
    ],
)
def test_kasko_premium_by_vehicle_age_and_make_group(age, make, premium):
    price = pricing.kasko_price(
        coverage_amount=Decimal("1000000.00"),
        vehicle_make=make,
        vehicle_age=age,
        unlimited_drivers=False,
        driver_age=40,
        driver_experience_years=20,
    )

    assert price.premium == Decimal(premium)
    assert price.ruleset_version == "kasko-autosalon-2026.1"


@pytest.mark.parametrize(
    ("age", "experience", "coefficient"),
    [(22, 3, "1.50"), (23, 3, "1.30"), (22, 4, "1.20"), (23, 4, "1.00")],
)
def test_kasko_driver_factor_by_age_and_experience(age, experience, coefficient):
    price = pricing.kasko_price(
        coverage_amount=Decimal("1000000.00"),
        vehicle_make="Lada",
        vehicle_age=0,
        unlimited_drivers=False,
        driver_age=age,
        driver_experience_years=experience,
    )

    assert factor(price, "age_experience") == Decimal(coefficient)
    assert price.premium == to_cents(Decimal("40000.00") * Decimal(coefficient))


@pytest.mark.parametrize(
    ("cancelled_on", "refund"),
    [
        (date(2025, 12, 31), "1000.00"),  # before the start: nothing was used
        (date(2026, 1, 1), "997.26"),  # the first day is used: 1000 × 364 / 365
        (date(2026, 6, 14), "547.95"),  # 200 days left: 1000 × 200 / 365 = 547.945...
        (date(2026, 12, 30), "2.74"),  # 1000 × 1 / 365 = 2.739...
        (date(2026, 12, 31), "0.00"),  # the last day is used
        (date(2027, 3, 1), "0.00"),
    ],
)
def test_the_refund_is_the_premium_of_the_unused_days_rounded_once(cancelled_on, refund):
    assert pricing.refund_pro_rata(
        premium=Decimal("1000.00"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        cancelled_on=cancelled_on,
    ) == Decimal(refund)


# PROPERTIES
# ------------------------------------------------------------------------------
# Within both tariffs' range of sums insured.
coverage = st.decimals(min_value=Decimal("100000.00"), max_value=Decimal("400000.00"), places=2)
driver = st.one_of(
    st.just((True, None, None)),
    st.integers(min_value=18, max_value=100).flatmap(
        lambda age: st.tuples(
            st.just(False), st.just(age), st.integers(min_value=0, max_value=age - 16)
        )
    ),
)
risk = st.fixed_dictionaries(
    {
        "insurance_type": st.sampled_from(["osago", "kasko"]),
        "vehicle_make": st.sampled_from(["Lada", "BMW", "Toyota", "Haval", "Porsche"]),
        "vehicle_year": st.integers(min_value=1990, max_value=2026),
        "engine_power_hp": st.one_of(st.none(), st.integers(min_value=1, max_value=2000)),
        "territory": st.sampled_from(sorted(rulesets.OSAGO.territory)),
        "period_months": st.integers(min_value=3, max_value=12),
        "bonus_malus_class": st.sampled_from(list(rulesets.OSAGO.bonus_malus)),
    }
)


def price_of(risk: dict, driver: tuple, coverage_amount: Decimal) -> pricing.Price:
    unlimited, age, experience = driver
    return services.quote_price(
        **risk,
        coverage_amount=coverage_amount,
        unlimited_drivers=unlimited,
        driver_age=age,
        driver_experience_years=experience,
        today=date(2026, 6, 1),
    )


@sized_property()
@given(risk=risk, driver=driver, a=coverage, b=coverage)
def test_the_premium_never_decreases_when_the_coverage_grows(risk, driver, a, b):
    low, high = sorted([a, b])

    assert price_of(risk, driver, low).premium <= price_of(risk, driver, high).premium


@sized_property()
@given(risk=risk, driver=driver, coverage_amount=coverage)
def test_the_printed_coefficients_multiply_to_the_premium(risk, driver, coverage_amount):
    price = price_of(risk, driver, coverage_amount)
    printed = [factor.as_dict() for factor in price.factors]  # what the quote stores and shows

    product = reduce(operator.mul, (Decimal(f["value"]) for f in printed))
    assert to_cents(product) == price.premium > 0
    if risk["insurance_type"] == "osago":  # never over the law's limit
        assert price.premium <= 3 * Decimal("8665.00") * rulesets.OSAGO.territory[risk["territory"]]
    assert all(factor_name(f) and f["source"] for f in printed)


def test_a_quotes_factors_read_in_the_readers_language():
    price = pricing.osago_price(
        territory="moscow",
        bonus_malus_class="3",
        unlimited_drivers=False,
        driver_age=35,
        driver_experience_years=10,
        engine_power_hp=150,
        period_months=12,
    )
    stored = [factor.as_dict() for factor in price.factors]  # as the quote keeps them

    with translation.override("ru"):
        russian = [factor_name(item) for item in stored]
    with translation.override("en"):
        english = [factor_name(item) for item in stored]

    assert russian[1:3] == ["Территория: Москва", "Класс бонус-малус 3"]
    assert english[1:3] == ["Territory: Moscow", "Bonus-malus class 3"]
    assert "moscow" not in " ".join(russian + english)
    # A factor stored before the wordings reads as it was written.
    assert factor_name({"code": "territory", "name": "Territory: moscow"}) == "Territory: moscow"
