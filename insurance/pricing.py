"""Premiums from the versioned rulesets: the premium is the product of the factors listed
on the quote, rounded once to kopecks. Pure functions; no database."""

import operator
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import reduce

from common.money import to_cents
from insurance import rulesets
from insurance.factors import factor_name
from insurance.rulesets import band_value


@dataclass(frozen=True)
class Factor:
    """One factor of a premium: its code, how its name reads (a wording of
    `insurance/factors.py` and its figures), its value and where the value comes from."""

    code: str
    wording: str
    params: dict[str, str]
    value: Decimal
    source: str

    @property
    def name(self) -> str:
        return factor_name(self.as_dict())

    def as_dict(self) -> dict:
        return {**asdict(self), "value": str(self.value)}


def _figures(**params: object) -> dict[str, str]:
    return {name: str(value) for name, value in params.items()}


@dataclass(frozen=True)
class Price:
    ruleset_version: str
    currency: str
    factors: list[Factor]

    @property
    def premium(self) -> Decimal:
        return to_cents(reduce(operator.mul, (factor.value for factor in self.factors)))


def _driver_factors(ruleset, *, unlimited: bool, age, experience) -> list[Factor]:
    """Age and experience (1 when anyone may drive), then the unlimited-drivers factor."""
    return [
        Factor(
            "age_experience",
            "age_experience_any" if unlimited else "age_experience",
            {} if unlimited else _figures(age=age, experience=experience),
            Decimal("1") if unlimited else ruleset.age_experience.value(age, experience),
            ruleset.cite("age_experience"),
        ),
        Factor(
            "unlimited_drivers",
            "drivers_anyone" if unlimited else "drivers_named",
            {},
            ruleset.unlimited_drivers if unlimited else Decimal("1"),
            ruleset.cite("unlimited_drivers"),
        ),
    ]


def osago_price(
    *,
    territory: str,
    bonus_malus_class: str,
    unlimited_drivers: bool,
    driver_age: int | None,
    driver_experience_years: int | None,
    engine_power_hp: int | None,
    period_months: int,
    ruleset: rulesets.OsagoRuleset = rulesets.OSAGO,
) -> Price:
    """ТБ × КТ × КБМ × КВС × КО × КМ × КС, within the statutory limit. Unstated engine power
    is priced in the top band."""
    power = (
        Factor(
            "engine_power",
            "engine_power",
            _figures(hp=engine_power_hp),
            band_value(ruleset.engine_power, engine_power_hp),
            ruleset.cite("engine_power"),
        )
        if engine_power_hp is not None
        else Factor(
            "engine_power",
            "engine_power_unstated",
            {},
            ruleset.engine_power[-1].value,
            ruleset.cite("engine_power"),
        )
    )
    factors = [
        Factor(
            "base_rate",
            "base_rate",
            _figures(currency=ruleset.currency),
            ruleset.base_rate,
            ruleset.cite("base_rate"),
        ),
        Factor(
            "territory",
            "territory",
            _figures(territory=territory),
            ruleset.territory[territory],
            ruleset.cite("territory"),
        ),
        Factor(
            "bonus_malus",
            "bonus_malus",
            {"class": bonus_malus_class},
            ruleset.bonus_malus[bonus_malus_class],
            ruleset.cite("bonus_malus"),
        ),
        *_driver_factors(
            ruleset,
            unlimited=unlimited_drivers,
            age=driver_age,
            experience=driver_experience_years,
        ),
        power,
        Factor(
            "period_of_use",
            "period_of_use",
            _figures(months=period_months),
            band_value(ruleset.period_of_use, period_months),
            ruleset.cite("period_of_use"),
        ),
    ]
    return Price(ruleset.version, ruleset.currency, factors + _premium_limit(ruleset, factors))


def _premium_limit(ruleset: rulesets.OsagoRuleset, factors: list[Factor]) -> list[Factor]:
    """The law's limit on an OSAGO premium (a multiple of the corridor's top × КТ), as a
    factor of its own when the product exceeds it: the limit over the product, so that the
    premium is still the product of the listed factors, rounded once, and equals the limit."""
    if ruleset.premium_limit_multiple is None:
        return []
    territory = next(factor.value for factor in factors if factor.code == "territory")
    limit = ruleset.premium_limit_multiple * ruleset.base_rate_corridor[1] * territory
    product = reduce(operator.mul, (factor.value for factor in factors))
    if product <= limit:
        return []
    return [
        Factor(
            "premium_limit",
            "premium_limit",
            _figures(limit=to_cents(limit), currency=ruleset.currency),
            (limit / product).quantize(Decimal("1E-12")),
            ruleset.cite("premium_limit"),
        )
    ]


def kasko_price(
    *,
    coverage_amount: Decimal,
    vehicle_make: str,
    vehicle_age: int,
    unlimited_drivers: bool,
    driver_age: int | None,
    driver_experience_years: int | None,
    ruleset: rulesets.KaskoRuleset = rulesets.KASKO,
) -> Price:
    """Coverage × rate by vehicle age × make group × driver factors."""
    group = ruleset.make_group(vehicle_make)
    factors = [
        Factor(
            "coverage",
            "coverage",
            _figures(currency=ruleset.currency),
            coverage_amount,
            ruleset.cite("coverage"),
        ),
        Factor(
            "vehicle_age",
            "vehicle_age",
            _figures(years=vehicle_age),
            band_value(ruleset.vehicle_age, vehicle_age),
            ruleset.cite("vehicle_age"),
        ),
        Factor(
            "make_group",
            "make_group",
            _figures(group=group),
            ruleset.group_factor[group],
            ruleset.cite("make_group"),
        ),
        *_driver_factors(
            ruleset,
            unlimited=unlimited_drivers,
            age=driver_age,
            experience=driver_experience_years,
        ),
    ]
    return Price(ruleset.version, ruleset.currency, factors)


def refund_pro_rata(
    *, premium: Decimal, start_date: date, end_date: date, cancelled_on: date
) -> Decimal:
    """The premium of the days left unused, rounded once: premium × unused / total days.

    The period runs from `start_date` to `end_date`, both included. The day of cancellation
    counts as used (the policy covered it), so the unused days are those after it."""
    total_days = (end_date - start_date).days + 1
    unused_days = min(max((end_date - cancelled_on).days, 0), total_days)
    return to_cents(premium * unused_days / total_days)
