"""Full card numbers never enter the system: not stored, not logged, not echoed back
(docs/security.md, "Card numbers"). Every free-text field a person writes is a
`FreeTextField`; the payment serializers refuse a card number in any field at all."""

import re

from rest_framework import serializers

# 13 to 19 digits, possibly grouped by spaces or dashes.
_CANDIDATE = re.compile(r"(?:\d[ -]?){12,18}\d")
# Ids are no card numbers, though one UUID in about 400 holds a Luhn-valid run of digits
# ("28616897-5777-4ea2-…"): they are taken out before the search.
_IDS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def contains_card_number(value) -> bool:
    if isinstance(value, dict):
        return any(contains_card_number(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(contains_card_number(item) for item in value)
    if not isinstance(value, str | int):
        return False
    for match in _CANDIDATE.finditer(_IDS.sub(" ", str(value))):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


REFUSED = "Card numbers are not accepted here; nothing was saved."


def no_card_number(value) -> None:
    """A field validator: refuses a value with a Luhn-valid 13 to 19 digit run in it,
    without repeating it."""
    if contains_card_number(value):
        raise serializers.ValidationError(REFUSED, code="card_number_not_allowed")


class FreeTextField(serializers.CharField):
    """Text a person types (notes, names, descriptions, reasons): no card numbers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(no_card_number)


class NoCardNumbersMixin:
    """For input serializers: refuses a request carrying a card number in any field, before
    any field is parsed, and says so without repeating it."""

    def to_internal_value(self, data):
        if contains_card_number(data):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "Full card numbers are not accepted; send only the last 4 digits."
                    ]
                },
                code="card_number_not_allowed",
            )
        return super().to_internal_value(data)
