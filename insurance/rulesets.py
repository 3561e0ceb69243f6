"""Versioned insurance tariffs: data only, priced by `insurance/pricing.py`.

A quote stores the version it was priced with and every factor with its value and source, so
it stays explainable after the tariffs change. To change a tariff, publish a new version next
to the old one and point `OSAGO` or `KASKO` at it; never edit a published version.

OSAGO values come from the Bank of Russia's directive on OSAGO tariffs in force, No. 6007-U of
8 December 2021 with its amendments up to No. 7204-U of 9 October 2025 (`OSAGO_2025`); the
ruleset of the directive it replaced, No. 3384-U, stays for the quotes priced with it. The
territory table is a subset: the places the dealership sells in. The base rate is the top of
the directive's corridor, so a quote never promises less than an insurer may charge; the law
caps the premium at three times that top times the territory coefficient (docs/deal.md,
"Insurance"). KASKO is not regulated; its values are the dealership's own tariff.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Band:
    """A value for numbers up to `up_to`, inclusive; None: no upper bound."""

    up_to: int | None
    value: Decimal


def band_value(bands: tuple[Band, ...], number: int) -> Decimal:
    """The value of the first band that holds `number` (bands go up, the last is open)."""
    return next(band.value for band in bands if band.up_to is None or number <= band.up_to)


@dataclass(frozen=True)
class AgeExperience:
    """A coefficient by the driver's age and driving experience in full years: young means
    at most `young_up_to` years old, novice at most `novice_up_to` years of experience."""

    young_up_to: int
    novice_up_to: int
    young_novice: Decimal
    novice: Decimal
    young: Decimal
    other: Decimal

    def value(self, age: int, experience: int) -> Decimal:
        young, novice = age <= self.young_up_to, experience <= self.novice_up_to
        if young and novice:
            return self.young_novice
        return self.novice if novice else self.young if young else self.other


@dataclass(frozen=True)
class AgeExperienceTable:
    """A coefficient by the driver's age (rows) and full years of driving (columns), as
    the OSAGO directive tabulates it: `ages` and `experience` are the bands' upper bounds,
    the last open. A young row is shorter: more years of driving than its age allows cannot
    be stated (the API refuses them), so the row's last value stands for them."""

    ages: tuple[int | None, ...]
    experience: tuple[int | None, ...]
    rows: tuple[tuple[Decimal, ...], ...]

    def value(self, age: int, experience: int) -> Decimal:
        row = self.rows[_band_index(self.ages, age)]
        return row[min(_band_index(self.experience, experience), len(row) - 1)]


def _band_index(bounds: tuple[int | None, ...], number: int) -> int:
    return next(i for i, bound in enumerate(bounds) if bound is None or number <= bound)


class ByAgeAndExperience(Protocol):
    def value(self, age: int, experience: int) -> Decimal: ...


@dataclass(frozen=True)
class OsagoRuleset:
    version: str
    currency: str
    source: str
    coverage_minimum: Decimal
    coverage_limit: Decimal  # the statutory sum insured for damage to property
    base_rate: Decimal  # ТБ, in roubles
    base_rate_corridor: tuple[Decimal, Decimal]  # the directive's minimum and maximum
    premium_limit_multiple: Decimal | None  # × the corridor's top × КТ; None: no limit
    territory: dict[str, Decimal]  # КТ
    default_territory: str
    bonus_malus: dict[str, Decimal]  # КБМ by class
    default_bonus_malus_class: str  # a driver with no insurance history
    age_experience: ByAgeAndExperience  # КВС
    unlimited_drivers: Decimal  # КО when anyone may drive; 1.0 for named drivers
    engine_power: tuple[Band, ...]  # КМ by horsepower
    period_of_use: tuple[Band, ...]  # КС by months of use a year
    clauses: dict[str, str]  # where in `source` each value is

    def cite(self, key: str) -> str:
        return f"{self.source}, {self.clauses[key]}"


@dataclass(frozen=True)
class KaskoRuleset:
    version: str
    currency: str
    source: str
    coverage_minimum: Decimal
    coverage_limit: Decimal
    vehicle_age: tuple[Band, ...]  # the share of the coverage by full years since model year
    make_groups: dict[str, frozenset[str]]  # group -> makes, lower case
    group_factor: dict[str, Decimal]  # group -> factor; makes in no group are "standard"
    age_experience: AgeExperience
    unlimited_drivers: Decimal
    clauses: dict[str, str]

    def cite(self, key: str) -> str:
        return f"{self.source}, {self.clauses[key]}"

    def make_group(self, make: str) -> str:
        make = " ".join(make.lower().replace("-", " ").split())
        return next(
            (group for group, makes in self.make_groups.items() if make in makes), "standard"
        )


D = Decimal


def _rows(*lines: str) -> tuple[tuple[Decimal, ...], ...]:
    """A table's rows as the directive prints them, values separated by spaces."""
    return tuple(tuple(D(value) for value in line.split()) for line in lines)


OSAGO_2015 = OsagoRuleset(
    version="osago-3384u-2015.04",
    currency="RUB",
    source="Bank of Russia Directive No. 3384-U of 19.11.2014, in force from 12.04.2015",
    coverage_minimum=D("0.01"),
    coverage_limit=D("400000.00"),
    base_rate=D("4118.00"),
    base_rate_corridor=(D("3432.00"), D("4118.00")),
    premium_limit_multiple=None,  # its quotes were priced without the statutory limit
    territory={
        "moscow": D("2.0"),
        "saint_petersburg": D("1.8"),
        "moscow_region": D("1.7"),
    },
    default_territory="moscow",
    bonus_malus={
        "M": D("2.45"),
        "0": D("2.3"),
        "1": D("1.55"),
        "2": D("1.4"),
        "3": D("1.0"),
        "4": D("0.95"),
        "5": D("0.9"),
        "6": D("0.85"),
        "7": D("0.8"),
        "8": D("0.75"),
        "9": D("0.7"),
        "10": D("0.65"),
        "11": D("0.6"),
        "12": D("0.55"),
        "13": D("0.5"),
    },
    default_bonus_malus_class="3",
    age_experience=AgeExperience(
        young_up_to=22,
        novice_up_to=3,
        young_novice=D("1.8"),
        novice=D("1.7"),
        young=D("1.6"),
        other=D("1.0"),
    ),
    unlimited_drivers=D("1.8"),
    engine_power=(
        Band(50, D("0.6")),
        Band(70, D("1.0")),
        Band(100, D("1.1")),
        Band(120, D("1.2")),
        Band(150, D("1.4")),
        Band(None, D("1.6")),
    ),
    period_of_use=(
        Band(3, D("0.5")),
        Band(4, D("0.6")),
        Band(5, D("0.65")),
        Band(6, D("0.7")),
        Band(7, D("0.8")),
        Band(8, D("0.9")),
        Band(9, D("0.95")),
        Band(None, D("1.0")),
    ),
    clauses={
        "coverage_limit": "the sum insured of Federal Law No. 40-FZ of 25.04.2002, art. 7(b)",
        "base_rate": "appendix 1, item 2: category B and BE vehicles of individuals, "
        "the top of the 3432–4118 RUB corridor",
        "territory": "appendix 2, item 1 (КТ), table 1: the owner's place of registration",
        "bonus_malus": "appendix 2, item 2 (КБМ): class at the start of the year; "
        "class 3 for a driver with no insurance history",
        "age_experience": "appendix 2, item 3 (КВС): driver's age and driving experience",
        "unlimited_drivers": "appendix 2, item 4 (КО): 1.8 with no list of drivers, "
        "1.0 with named drivers",
        "engine_power": "appendix 2, item 5 (КМ): engine power of a car, hp",
        "period_of_use": "appendix 2, item 6 (КС): period of use within the year, months",
    },
)

OSAGO_2025 = OsagoRuleset(
    version="osago-6007u-2025.12",
    currency="RUB",
    source="Bank of Russia Directive No. 6007-U of 08.12.2021 as amended by No. 6209-U of "
    "28.07.2022, No. 6949-U of 22.11.2024 and No. 7204-U of 09.10.2025, in force from 09.12.2025",
    coverage_minimum=D("0.01"),
    coverage_limit=D("400000.00"),
    base_rate=D("8665.00"),
    base_rate_corridor=(D("1399.00"), D("8665.00")),
    premium_limit_multiple=D("3"),
    territory={
        "moscow": D("1.8"),
        "saint_petersburg": D("1.64"),
        "moscow_region": D("1.56"),
        # The group's showroom there (docs/showrooms.md): a place the dealership sells in
        # added to the subset, no value of the directive's changed.
        "yekaterinburg": D("1.72"),
    },
    default_territory="moscow",
    bonus_malus={
        "M": D("3.92"),
        "0": D("2.94"),
        "1": D("2.25"),
        "2": D("1.76"),
        "3": D("1.17"),
        "4": D("1.00"),
        "5": D("0.91"),
        "6": D("0.83"),
        "7": D("0.78"),
        "8": D("0.74"),
        "9": D("0.68"),
        "10": D("0.63"),
        "11": D("0.57"),
        "12": D("0.52"),
        "13": D("0.46"),
    },
    default_bonus_malus_class="3",
    age_experience=AgeExperienceTable(
        ages=(21, 24, 29, 34, 39, 49, 59, None),
        experience=(0, 1, 2, 4, 6, 9, 14, None),
        rows=_rows(
            "2.27 1.92 1.84 1.65 1.62",
            "1.88 1.72 1.71 1.13 1.10 1.09",
            "1.72 1.60 1.54 1.09 1.08 1.07 1.02",
            "1.56 1.50 1.48 1.05 1.04 1.01 0.97 0.95",
            "1.54 1.47 1.46 1.00 0.97 0.95 0.94 0.93",
            "1.50 1.44 1.43 0.96 0.95 0.94 0.93 0.91",
            "1.46 1.40 1.39 0.93 0.92 0.91 0.90 0.86",
            "1.43 1.36 1.35 0.91 0.90 0.89 0.88 0.83",
        ),
    ),
    unlimited_drivers=D("3.16"),
    engine_power=OSAGO_2015.engine_power,  # unchanged since 3384-U
    period_of_use=OSAGO_2015.period_of_use,  # unchanged since 3384-U
    clauses={
        "coverage_limit": "the sum insured of Federal Law No. 40-FZ of 25.04.2002, art. 7(b)",
        "base_rate": "appendix 1: category B and BE vehicles of individuals and individual "
        "entrepreneurs, the top of the 1399–8665 RUB corridor",
        "territory": "appendix 2 (КТ): the owner's place of registration",
        "bonus_malus": "appendix 2 (КБМ): class at the start of the year; "
        "class 3 for a driver with no insurance history",
        "age_experience": "appendix 2 (КВС): driver's age, 8 bands from up to 21 to 60 and "
        "over, by full years of driving, 8 bands from 0 to over 14",
        "unlimited_drivers": "appendix 2 (КО): 3.16 for an individual with no list of drivers, "
        "1.0 with named drivers",
        "engine_power": "appendix 2 (КМ): engine power of a car, hp",
        "period_of_use": "appendix 2 (КС): period of use within the year, months",
        "premium_limit": "Federal Law No. 40-FZ of 25.04.2002, art. 9(3): at most three times "
        "the top of the base rate corridor × КТ",
    },
)

KASKO_2026 = KaskoRuleset(
    version="kasko-autosalon-2026.1",
    currency="RUB",
    source="Autosalon KASKO tariff, edition 2026.1 (insurance/rulesets.py)",
    coverage_minimum=D("100000.00"),
    coverage_limit=D("100000000.00"),
    vehicle_age=(
        Band(0, D("0.040")),
        Band(1, D("0.045")),
        Band(2, D("0.050")),
        Band(3, D("0.055")),
        Band(4, D("0.060")),
        Band(6, D("0.065")),
        Band(None, D("0.075")),
    ),
    make_groups={
        "high_theft_risk": frozenset({"toyota", "lexus", "land rover", "hyundai", "kia"}),
        "premium": frozenset(
            {"audi", "bmw", "mercedes benz", "mercedes", "porsche", "volvo", "genesis"}
        ),
    },
    group_factor={
        "standard": D("1.00"),
        "premium": D("1.20"),
        "high_theft_risk": D("1.30"),
    },
    age_experience=AgeExperience(
        young_up_to=22,
        novice_up_to=3,
        young_novice=D("1.50"),
        novice=D("1.30"),
        young=D("1.20"),
        other=D("1.00"),
    ),
    unlimited_drivers=D("1.60"),
    clauses={
        "coverage_limit": "section 1: sums insured from 100,000 to 100,000,000 RUB",
        "coverage": "section 2: the sum insured the client chose",
        "vehicle_age": "table 1: annual rate by full years since the model year",
        "make_group": "table 2: make group (standard, premium, high theft risk)",
        "age_experience": "table 3: driver's age and driving experience",
        "unlimited_drivers": "table 4: 1.60 with no list of drivers, 1.00 with named drivers",
    },
)

# The rulesets new quotes are priced with.
OSAGO = OSAGO_2025
KASKO = KASKO_2026

# The territory of the OSAGO table a car sold in each city is priced in, by the city as its
# showroom names it, in lower case (docs/showrooms.md, "One seller"): a car sold in a city not
# here, or by none, is priced in `OSAGO.default_territory`.
CITY_TERRITORIES = {
    "москва": "moscow",
    "санкт-петербург": "saint_petersburg",
    "екатеринбург": "yekaterinburg",
}
