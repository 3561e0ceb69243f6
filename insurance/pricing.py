"""Premiums from the versioned rulesets: the premium is the product of the factors listed
on the quote, rounded once to kopecks. Pure functions; no database."""

import operator
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import reduce

from common.money import to_cents
from insurance import rulesets
from insurance.rulesets import band_value


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    value: Decimal
    source: str

    def as_dict(self) -> dict:
        return {**asdict(self), "value": str(self.value)}


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
            "Age and experience: any driver"
            if unlimited
            else f"Age and experience: {age} years old, {experience} years driving",
            Decimal("1") if unlimited else ruleset.age_experience.value(age, experience),
            ruleset.cite("age_experience"),
        ),
        Factor(
            "unlimited_drivers",
            "Drivers: anyone" if unlimited else "Drivers: named",
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
    """ТБ × КТ × КБМ × КВС × КО × КМ × КС. Unstated engine power is priced in the top band."""
    power = (
        Factor(
            "engine_power",
            f"Engine power: {engine_power_hp} hp",
            band_value(ruleset.engine_power, engine_power_hp),
            ruleset.cite("engine_power"),
        )
        if engine_power_hp is not None
        else Factor(
            "engine_power",
            "Engine power: not stated (the top band)",
            ruleset.engine_power[-1].value,
            ruleset.cite("engine_power"),
        )
    )
    factors = [
        Factor(
            "base_rate",
            f"Base rate, {ruleset.currency}",
            ruleset.base_rate,
            ruleset.cite("base_rate"),
        ),
        Factor(
            "territory",
            f"Territory: {territory}",
            ruleset.territory[territory],
            ruleset.cite("territory"),
        ),
        Factor(
            "bonus_malus",
            f"Bonus-malus class {bonus_malus_class}",
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
            f"Period of use: {period_months} months",
            band_value(ruleset.period_of_use, period_months),
            ruleset.cite("period_of_use"),
        ),
    ]
    return Price(ruleset.version, ruleset.currency, factors)


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
            f"Sum insured, {ruleset.currency}",
            coverage_amount,
            ruleset.cite("coverage"),
        ),
        Factor(
            "vehicle_age",
            f"Vehicle age: {vehicle_age} full years",
            band_value(ruleset.vehicle_age, vehicle_age),
            ruleset.cite("vehicle_age"),
        ),
        Factor(
            "make_group",
            f"Make group: {group}",
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
