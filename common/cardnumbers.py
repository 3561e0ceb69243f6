"""Full card numbers never enter the system: not stored, not logged, not echoed back
(docs/security.md, "Card numbers"). Every free-text field a person writes is a
`FreeTextField`; the payment serializers refuse a card number in any field at all; the log
lines mask one (common.ops.logging).

How a card number is told from the other numbers people type:

- A run is digits in groups, with up to three separators between two groups (spaces, NBSP,
  tabs, newlines, dots, slashes, hyphens and dashes). `8 4111111111111111 12/26` is one run
  of four groups.
- Numbers that are something else by their shape are taken out first, so that they neither
  count as cards nor glue two numbers into one run: ids (UUIDs, long hex), VINs, dates,
  phone numbers with their code in brackets, and 20-digit Russian bank accounts
  (`bank_account`).
- A run that is a Russian phone number, or several, is no card; nor is the first group of a
  run written after `+` (a phone number in E.164).
- Every window of a run that starts at a group and ends at a group (and, inside one long
  group, every window that starts or ends with it) is a card when its prefix is a known
  issuer's (`ISSUERS`), its length one that issuer uses, and it passes the Luhn check.
  Windows that start inside a group of a longer run are not read: in a list of a few
  numbers one of them would pass by chance.
"""

import re
from collections.abc import Iterator
from typing import Any

from rest_framework import serializers

# Known issuers: (lowest prefix, highest prefix, the lengths they issue). A window is a card
# only if its first digits fall in a range and its length is one of the range's. The
# schemes people here pay with; Maestro's old blanket ranges (50, 56-69) are left out for
# its few known ones, as they would take in most numbers starting with 5 or 6.
ISSUERS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),  # Visa
    ("51", "55", (16,)),  # Mastercard
    ("2221", "2720", (16,)),  # Mastercard, 2-series
    ("2200", "2204", (16, 17, 18, 19)),  # Mir
    ("34", "34", (15,)),  # American Express
    ("37", "37", (15,)),  # American Express
    ("62", "62", (16, 17, 18, 19)),  # UnionPay
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("6011", "6011", (16, 17, 18, 19)),  # Discover
    ("644", "649", (16, 17, 18, 19)),  # Discover
    ("65", "65", (16, 17, 18, 19)),  # Discover
    ("300", "305", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("36", "36", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("5018", "5018", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("5020", "5020", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("5038", "5038", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("5893", "5893", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("6304", "6304", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("6759", "6759", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
    ("6761", "6763", (13, 14, 15, 16, 17, 18, 19)),  # Maestro
)
SHORTEST, LONGEST = 13, 19

# Between two groups of digits: whitespace (NBSP, tabs, newlines included), dots, slashes,
# hyphens, dashes and the minus sign, up to three of them (`4111 - 1111`).
_SEPARATOR_CHARS = r"\s./\-\u2010-\u2015\u2212\uff0d\uff0e\uff0f"
_SEPARATOR = rf"[{_SEPARATOR_CHARS}]{{1,3}}"
# A log line may hold a repr, which writes some of them escaped: `\xa0`, `\n`. A query
# string writes them URL-encoded: `+`, `%20`, `%C2%A0`, `%E2%80%93`...
_ESCAPED = r"\\[tnr]|\\xa0|\\u00a0|\\u20(?:1[0-5]|07|2f)"
_ENCODED = r"\+|%(?:20|09|0[aAdD]|2[dDeEfF]|[cC]2%[aA]0|[eE]2%80%9[0-5])"
# How each kind of text separates groups: (its runs, a run's groups). A separator is matched
# before a group, so that the digits of `%20` are no group.
_SEPARATORS = {
    "text": _SEPARATOR,
    "logged": rf"(?:[{_SEPARATOR_CHARS}]|{_ESCAPED}){{1,3}}",
    "url": rf"(?:[{_SEPARATOR_CHARS}]|{_ENCODED}){{1,3}}",
}
_RUNS = {
    kind: (re.compile(rf"\d+(?:{separator}\d+)*"), re.compile(rf"{separator}|(\d+)"))
    for kind, separator in _SEPARATORS.items()
}

# Numbers that are not cards, by their shape.
_GAP = r"[ \u00a0.\-\u2013]{1,2}"
_NOT_CARDS = re.compile(
    "|".join(
        (
            # Ids: a UUID, or a long hex string with a letter in it. One UUID in about 400
            # holds a Luhn-valid run of digits ("28616897-5777-4ea2-…").
            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
            r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{32,}\b",
            # A VIN: 17 letters (no I, O or Q) and digits, at least one a letter.
            r"\b(?=[0-9a-hj-npr-z]*[a-hj-npr-z])[0-9a-hj-npr-z]{17}\b",
            # A date: 2026-11-24, 24.11.2026, 24/11/2026; not the last groups of a longer
            # run of digits, as a card typed `5.1000000.1600.01.09` ends.
            r"(?<!\d)(?<!\d[-./])"
            r"(?:(?:1[6-9]|2\d)\d\d[-./](?:0[1-9]|1[0-2])[-./](?:0[1-9]|[12]\d|3[01])"
            r"|(?:0[1-9]|[12]\d|3[01])[-./](?:0[1-9]|1[0-2])[-./](?:1[6-9]|2\d)\d\d)"
            r"(?!\d)(?![-./]\d)",
            # A phone number with its code in brackets, `8 (916) 123-45-67`: what follows
            # the brackets would otherwise join the next number.
            rf"(?<!\d)(?:\+\s?\d{{1,3}}|8)?\s?\(\d{{3,5}}\)\s?\d{{1,3}}"
            rf"(?:(?:{_GAP})?\d{{2,4}}){{1,2}}(?!\d)",
        )
    ),
    re.IGNORECASE,
)
# A Russian phone number: +7 or 8 (or 7), then ten digits grouped 3-3-2-2 or 3-3-4. A run
# that is one phone, or several, is no card; a phone shape inside a longer run proves
# nothing (`3400 0000 7000 002 0526` is an Amex card with its expiry, `8 5018000000 007` a
# Maestro card after an 8).
_A_PHONE = (
    rf"(?:\+\s?7|8|7)(?:{_GAP})?(?:\(\d{{3}}\)|\d{{3}})(?:{_GAP})?\d{{3}}"
    rf"(?:(?:{_GAP})?\d{{2}}(?:{_GAP})?\d{{2}}|{_GAP}\d{{4}})(?!\d)"
)
_PHONES = re.compile(rf"{_A_PHONE}(?:{_SEPARATOR}{_A_PHONE})*")
# A Russian bank account: 20 digits, written whole, in groups of 5 or 4, or 5-3-1-4-7. The
# lookahead finds every candidate, overlapping ones included (`bank_account` decides).
_ACCOUNT = re.compile(
    rf"(?<!\d)(?=(\d{{20}}|\d{{5}}(?:{_GAP}\d{{5}}){{3}}|\d{{4}}(?:{_GAP}\d{{4}}){{4}}"
    rf"|\d{{5}}{_GAP}\d{{3}}{_GAP}\d{_GAP}\d{{4}}{_GAP}\d{{7}})(?!\d))"
)
# The currencies of the accounts people here pay from (digits 6 to 8 of the account): the
# ruble (810, and 643), the dollar, the euro, the yuan.
ACCOUNT_CURRENCIES = frozenset({"810", "643", "840", "978", "156"})
_BLANK = "#"  # neither a digit nor a separator: it ends a run


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """`digits` (nothing else) is a number a known issuer gives, at a length it uses, and
    passes the Luhn check."""
    digits = digits if digits.isascii() else "".join(str(int(char)) for char in digits)
    return len(digits) in issued_lengths(digits) and luhn_valid(digits)


def bank_account(digits: str) -> bool:
    """`digits` (20 of them) are a Russian bank account that people write: a client's or
    a bank's (first digit 3 or 4), in one of `ACCOUNT_CURRENCIES`. A card followed by four
    digits and written in groups of four can look the same (about one in 2,000 does): it is
    taken for the account."""
    return len(digits) == 20 and digits[0] in "34" and digits[5:8] in ACCOUNT_CURRENCIES


def _not_cards_blanked(text: str) -> str:
    """`text` with the numbers that are not cards overwritten, at the same positions."""
    chars = list(text)
    spans = [match.span() for match in _NOT_CARDS.finditer(text)]
    for match in _ACCOUNT.finditer(text):
        if bank_account(re.sub(r"\D", "", match.group(1))):
            spans.append((match.start(1), match.end(1)))
    for start, end in spans:
        chars[start:end] = _BLANK * (end - start)
    return "".join(chars)


def issued_lengths(digits: str) -> frozenset[int]:
    """The lengths a known issuer gives numbers starting with `digits` (ASCII, 4 or more)."""
    return frozenset(
        length
        for low, high, lengths in ISSUERS
        if low <= digits[: len(low)] <= high
        for length in lengths
    )


def _windows(
    groups: list[tuple[int, str]], digits: str, phone_first: bool
) -> Iterator[tuple[int, int]]:
    """(start, end) in the run's `digits` of every window worth checking: of a length a
    known issuer gives numbers with its prefix."""
    starts, ends, position = [], [], 0
    for _, group in groups:
        starts.append(position)
        position += len(group)
        ends.append(position)
    for first in range(1 if phone_first else 0, len(groups)):
        start, end = starts[first], ends[first]
        if issued := issued_lengths(digits[start : start + 4]):
            for last in range(first, len(groups)):
                if ends[last] - start > LONGEST:
                    break
                if ends[last] - start in issued:
                    yield start, ends[last]
            # Inside one long group: a card with digits typed after it...
            for size in issued:
                if size < end - start:
                    yield start, start + size
        # ... or before it.
        for size in range(SHORTEST, min(LONGEST, end - start - 1) + 1):
            if size in issued_lengths(digits[end - size : end - size + 4]):
                yield end - size, end


def card_number_positions(text: str, *, kind: str = "text") -> list[list[int]]:
    """The positions in `text` of the digits of each card number in it. `kind`: "text"
    (what a person typed), "logged" (a log line, which may hold reprs) or "url" (a query
    string's value, URL-encoded)."""
    blanked = _not_cards_blanked(text)
    runs, groups_of = _RUNS[kind]
    found = []
    for run in runs.finditer(blanked):
        if _PHONES.fullmatch(run.group()):
            continue
        groups = [
            (run.start() + match.start(1), match.group(1))
            for match in groups_of.finditer(run.group())
            if match.group(1)
        ]
        positions = [start + offset for start, digits in groups for offset in range(len(digits))]
        digits = "".join(digits for _, digits in groups)
        if not digits.isascii():  # other scripts' digits too: `４１１１`
            digits = "".join(str(int(char)) for char in digits)
        before = blanked[max(run.start() - 3, 0) : run.start()]
        phone_first = before.endswith("%2B" if kind == "url" else "+")
        for start, end in set(_windows(groups, digits, phone_first)):
            if luhn_valid(digits[start:end]):
                found.append(positions[start:end])
    return found


def contains_card_number(value: object) -> bool:
    if isinstance(value, dict):
        return any(contains_card_number(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(contains_card_number(item) for item in value)
    if not isinstance(value, str | int):
        return False
    return bool(card_number_positions(str(value)))


MASK = "*"


def card_numbers_masked(text: str, *, kind: str = "text") -> str:
    """`text` with every card number's digits but the last four masked."""
    found = card_number_positions(text, kind=kind)
    if not found:
        return text
    chars = list(text)
    for positions in found:
        for position in positions[:-4]:
            chars[position] = MASK
    return "".join(chars)


REFUSED = "Card numbers are not accepted here; nothing was saved."


def no_card_number(value: object) -> None:
    """A field validator: refuses a value with a card number in it, without repeating it."""
    if contains_card_number(value):
        raise serializers.ValidationError(REFUSED, code="card_number_not_allowed")


class FreeTextField(serializers.CharField):
    """Text a person types (notes, names, descriptions, reasons): no card numbers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(no_card_number)


class NoCardNumbersMixin(serializers.Serializer[Any]):
    """For input serializers: refuses a request carrying a card number in any field, before
    any field is parsed, and says so without repeating it."""

    def to_internal_value(self, data: object) -> Any:
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
