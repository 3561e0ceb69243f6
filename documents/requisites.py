"""A Russian legal entity's requisites and their check digits: the INN, the OGRN, the BIK and
the bank accounts (the Bank of Russia's key over the BIK), as the Federal Tax Service and the
Bank of Russia define them. Pure functions, no database."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INN_10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_12_WEIGHTS = ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
ACCOUNT_WEIGHTS = ((7, 1, 3) * 8)[:23]  # over the BIK's three digits and the account


def _digits(value: str, lengths: tuple[int, ...], what) -> list[int]:
    if not value.isdigit() or len(value) not in lengths:
        raise ValidationError(what, code="invalid")
    return [int(digit) for digit in value]


def _check(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(value: str) -> None:
    """10 digits for an organisation, 12 for an individual entrepreneur, with their check
    digits."""
    digits = _digits(value, (10, 12), _("An INN is 10 or 12 digits."))
    if len(digits) == 10:
        valid = _check(digits, INN_10_WEIGHTS) == digits[9]
    else:
        valid = _check(digits, INN_12_WEIGHTS[0]) == digits[10] and (
            _check(digits, INN_12_WEIGHTS[1]) == digits[11]
        )
    if not valid:
        raise ValidationError(_("This INN's check digit is wrong."), code="invalid")


def validate_kpp(value: str) -> None:
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", value):
        raise ValidationError(_("A KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits."))


def validate_ogrn(value: str) -> None:
    """13 digits (an organisation) or 15 (an entrepreneur's OGRNIP), the last the check."""
    digits = _digits(value, (13, 15), _("An OGRN is 13 digits (15 for an OGRNIP)."))
    modulus = 11 if len(digits) == 13 else 13
    if int(value[:-1]) % modulus % 10 != digits[-1]:
        raise ValidationError(_("This OGRN's check digit is wrong."), code="invalid")


def validate_bik(value: str) -> None:
    _digits(value, (9,), _("A BIK is 9 digits."))
    if not value.startswith("04"):
        raise ValidationError(_("A Russian bank's BIK begins with 04."), code="invalid")


def _account_key_valid(prefix: str, account: str) -> bool:
    digits = [int(d) for d in prefix + account]
    return sum(d * w for d, w in zip(digits, ACCOUNT_WEIGHTS, strict=True)) % 10 == 0


def validate_account(value: str) -> None:
    _digits(value, (20,), _("An account number is 20 digits."))


def account_key_valid(*, account: str, bik: str) -> bool:
    """The settlement account's key over the BIK's last three digits."""
    return _account_key_valid(bik[-3:], account)


def correspondent_key_valid(*, account: str, bik: str) -> bool:
    """The correspondent account's key over "0" and the BIK's fifth and sixth digits."""
    return _account_key_valid("0" + bik[4:6], account)
