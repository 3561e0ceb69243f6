"""Vehicle identification numbers (ISO 3779). Insurance validates VINs with this same code."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VIN_LENGTH = 17
_ALLOWED = set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")  # no I, O or Q
_TRANSLITERATION = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalize_vin(value: str) -> str:
    return (value or "").strip().upper()


def validate_vin(value: str) -> None:
    """17 characters without I, O or Q; North American VINs (first character 1–5) must also
    carry the right check digit in position 9."""
    vin = normalize_vin(value)
    if len(vin) != VIN_LENGTH:
        raise ValidationError(_("A VIN has exactly 17 characters."), code="invalid_vin")
    if not set(vin) <= _ALLOWED:
        raise ValidationError(
            _("A VIN holds only digits and the letters A–Z except I, O and Q."), code="invalid_vin"
        )
    if vin[0] in "12345" and vin[8] != vin_check_digit(vin):
        raise ValidationError(_("The VIN check digit (position 9) is wrong."), code="invalid_vin")
