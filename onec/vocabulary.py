"""The words 1C's dealer configurations write for a vehicle's specification, and the values
the catalog keeps for them (catalog.choices): a choice's own value, its label in Russian or
English, or one of the words below (docs/1c.md, "Mapping")."""

import functools
from decimal import Decimal, InvalidOperation

from django.utils import translation

from catalog.choices import BodyType, Color, Condition, Drive, Fuel, Transmission
from onec.choices import SpecField

CHOICES = {
    SpecField.COLOR: Color,
    SpecField.BODY_TYPE: BodyType,
    SpecField.FUEL: Fuel,
    SpecField.TRANSMISSION: Transmission,
    SpecField.DRIVE: Drive,
    SpecField.CONDITION: Condition,
}
# 1C's words that are not a choice's label.
WORDS = {
    SpecField.TRANSMISSION: {
        "механика": "manual", "мкпп": "manual", "мт": "manual",
        "автомат": "automatic", "акпп": "automatic", "ат": "automatic",
        "робот": "robot", "ркпп": "robot", "вариатор": "cvt",
    },
    SpecField.DRIVE: {
        "передний": "fwd", "задний": "rwd", "полный": "awd", "4wd": "awd", "4х4": "awd",
    },
    SpecField.FUEL: {
        "электро": "electric", "электричество": "electric", "газ": "lpg", "аи-95": "petrol",
    },
    SpecField.BODY_TYPE: {
        "внедорожник": "suv", "хэтчбек": "hatchback", "хетчбэк": "hatchback",
        "универсал": "wagon", "лифтбек": "liftback", "минивэн": "minivan", "пикап": "pickup",
        "фургон": "van", "кабриолет": "convertible", "купе": "coupe", "седан": "sedan",
        "кроссовер": "crossover",
    },
    SpecField.COLOR: {"серебристый": "silver", "серебряный": "silver", "чёрный": "black"},
    SpecField.CONDITION: {"с пробегом": "used", "б/у": "used", "новый": "new"},
}  # fmt: skip
NUMBERS = {SpecField.YEAR, SpecField.MILEAGE, SpecField.POWER}


@functools.cache
def _lookup(spec: SpecField) -> dict[str, str]:
    choices = CHOICES[spec]
    found = {value: value for value in choices.values}
    for language in ("en", "ru"):
        with translation.override(language):
            found |= {str(label).lower(): value for value, label in choices.choices}
    found |= {word.replace("ё", "е"): value for word, value in WORDS.get(spec, {}).items()}
    return found | WORDS.get(spec, {})


class NotUnderstood(ValueError):
    pass


def spec_value(spec: SpecField, said: str) -> str | int | Decimal | None:
    """What 1C's `said` is for the vehicle's field `spec`; None for nothing said."""
    said = said.strip()
    if not said:
        return None
    if spec in CHOICES:
        value = _lookup(spec).get(said.lower()) or _lookup(spec).get(said.lower().replace("ё", "е"))
        if value is None:
            raise NotUnderstood(f"«{said}» не значение поля «{spec.label}».")
        return value
    if spec in NUMBERS or spec == SpecField.ENGINE_VOLUME:
        try:
            number = Decimal(said.replace(",", ".").replace(" ", "").replace("\xa0", ""))
        except InvalidOperation:
            raise NotUnderstood(f"«{said}» не число для поля «{spec.label}».") from None
        if not number.is_finite() or abs(number) > 10_000_000:
            raise NotUnderstood(f"«{said}» не число для поля «{spec.label}».")
        return int(number) if spec in NUMBERS else number.quantize(Decimal("0.1"))
    return said
