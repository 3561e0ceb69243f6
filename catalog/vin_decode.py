"""What a VIN itself says of its car, to check what a manager enters against it
(docs/api.md, "Vehicles"): the manufacturer from the world manufacturer identifier
(positions 1–3, ISO 3780) and, where the standard makes it mandatory, the model year from
position 10. Where the VIN says nothing (an identifier outside the table, a year code a
region's standard leaves optional) nothing is checked."""

from collections.abc import Iterable

# World manufacturer identifiers (ISO 3780) of the makes a Russian dealership sells, and the
# makes each stands for: a manufacturer builds several makes under one identifier. A
# two-character key stands for every identifier it begins.
MAKES_BY_WMI: dict[str, frozenset[str]] = {
    "XTA": frozenset({"Lada"}),
    "X7L": frozenset({"Renault", "Lada"}),
    "JT": frozenset({"Toyota", "Lexus"}),
    "TMB": frozenset({"Skoda"}),
    "LGW": frozenset({"Haval", "Great Wall", "Tank", "Wey", "Ora"}),
    "KNA": frozenset({"Kia"}),
    "KNE": frozenset({"Kia"}),
    "KND": frozenset({"Kia"}),
    "KMH": frozenset({"Hyundai", "Genesis"}),
    "LVV": frozenset({"Chery", "Exeed", "Omoda", "Jaecoo"}),
    "L6T": frozenset({"Geely", "Belgee"}),
    "LB3": frozenset({"Geely"}),
    "LS5": frozenset({"Changan"}),
    "1G1": frozenset({"Chevrolet"}),
    "1G4": frozenset({"Buick"}),
    "5YJ": frozenset({"Tesla"}),
    "LRW": frozenset({"Tesla"}),
    "WBA": frozenset({"BMW"}),
    "WDD": frozenset({"Mercedes-Benz", "Mercedes"}),
    "W1K": frozenset({"Mercedes-Benz", "Mercedes"}),
    "W1N": frozenset({"Mercedes-Benz", "Mercedes"}),
    "WVW": frozenset({"Volkswagen"}),
    "WV2": frozenset({"Volkswagen"}),
    "WAU": frozenset({"Audi"}),
    "WP0": frozenset({"Porsche"}),
    "VF1": frozenset({"Renault"}),
    "YV1": frozenset({"Volvo"}),
    "SAL": frozenset({"Land Rover"}),
    "JN1": frozenset({"Nissan"}),
    "JM1": frozenset({"Mazda"}),
    "JMZ": frozenset({"Mazda"}),
    "JF1": frozenset({"Subaru"}),
    "JHM": frozenset({"Honda"}),
}

# Position 10's model-year code, repeating every 30 years from 1980 (A) to 2009 (9).
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
YEAR_CODE_CYCLE_START = 1980
# The regions whose VIN standard makes position 10 the model year: North America (first
# character 1–5, 49 CFR 565) and China (L, GB 16735).
YEAR_CODE_MANDATORY = frozenset("12345L")
# A car registered in the calendar year before or after its model year is common.
YEAR_TOLERANCE = 1


# The makes as Russian buyers write them, in Cyrillic: each is the make the VIN table names
# (a trade-in of a "Лада" agrees with a Lada's VIN).
CYRILLIC_MAKES = {
    "лада": "lada", "ваз": "lada", "тойота": "toyota", "киа": "kia", "кия": "kia",
    "хендай": "hyundai", "хендэ": "hyundai", "хёндэ": "hyundai", "хундай": "hyundai",
    "шкода": "skoda", "фольксваген": "volkswagen", "рено": "renault", "ниссан": "nissan",
    "мазда": "mazda", "хонда": "honda", "субару": "subaru", "мерседес": "mercedes",
    "мерседес бенц": "mercedes benz", "бмв": "bmw", "ауди": "audi", "шевроле": "chevrolet",
    "лексус": "lexus", "джили": "geely", "чери": "chery", "хавал": "haval", "хавейл": "haval",
    "ленд ровер": "land rover", "порше": "porsche", "вольво": "volvo", "тесла": "tesla",
    "генезис": "genesis", "чанган": "changan", "эксид": "exeed", "омода": "omoda",
    "джейку": "jaecoo", "танк": "tank", "грейт волл": "great wall", "бьюик": "buick",
}  # fmt: skip


def make_normalized(make: str) -> str:
    words = " ".join(make.lower().replace("-", " ").replace("ё", "е").split())
    return CYRILLIC_MAKES.get(words, CYRILLIC_MAKES.get(words.replace("е", "ё"), words))


def vin_makes(vin: str) -> frozenset[str] | None:
    """The makes the VIN's manufacturer builds; None when it is not in the table."""
    for length in (3, 2):
        if (makes := MAKES_BY_WMI.get(vin[:length])) is not None:
            return makes
    return None


def vin_model_years(vin: str, *, around: int) -> list[int]:
    """The model years position 10 may mean, near `around`; empty when the region's standard
    leaves the position free (or it holds no year code)."""
    if vin[0] not in YEAR_CODE_MANDATORY or vin[9] not in YEAR_CODES:
        return []
    first = YEAR_CODE_CYCLE_START + YEAR_CODES.index(vin[9])
    return [first + 30 * cycle for cycle in range(6) if abs(first + 30 * cycle - around) <= 30]


def vin_contradictions(vin: str, *, make: str, year: int | None) -> dict[str, str]:
    """The fields a manager entered that the VIN contradicts, with what the VIN says."""
    found: dict[str, str] = {}
    if len(vin) != 17:
        return found
    makes = vin_makes(vin)
    if make and makes is not None and make_normalized(make) not in map(make_normalized, makes):
        found["make"] = _listed(sorted(makes))
    if year is not None:
        years = vin_model_years(vin, around=year)
        if years and all(abs(year - candidate) > YEAR_TOLERANCE for candidate in years):
            found["year"] = _listed(str(candidate) for candidate in years)
    return found


def _listed(values: Iterable[str]) -> str:
    return ", ".join(values)
