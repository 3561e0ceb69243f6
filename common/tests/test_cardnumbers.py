"""The card-number guard (common/cardnumbers.py, docs/security.md "Card numbers"): every
way people type a card is refused in free text and masked in log lines; the other numbers
people type (phones, dates, VINs, amounts, ids, bank accounts) are accepted untouched."""

import io
import json
import logging
import re
from datetime import date
from urllib.parse import unquote_plus

import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import strategies as st

from common.cardnumbers import (
    ACCOUNT_CURRENCIES,
    ISSUERS,
    bank_account,
    card_numbers_masked,
    contains_card_number,
    luhn_valid,
)
from common.ops.logging import json_formatter, redact
from common.tests.cards import AMEX, CARD_FORMATS, NOT_CARDS, VISA, digits_of, holds
from tests.properties import sized_property


# FORMATS
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", CARD_FORMATS.values(), ids=CARD_FORMATS.keys())
def test_every_format_of_the_review_is_a_card_and_is_masked_but_its_last_four(text):
    masked = card_numbers_masked(f"pay with {text} please")

    assert contains_card_number(f"pay with {text} please") is True
    assert not holds(masked, text)
    assert contains_card_number(masked) is False


@pytest.mark.parametrize("text", NOT_CARDS.values(), ids=NOT_CARDS.keys())
def test_numbers_that_are_not_cards_are_accepted_and_left_alone(text):
    assert contains_card_number(f"call me: {text}") is False
    assert card_numbers_masked(f"call me: {text}") == f"call me: {text}"


def test_a_card_next_to_numbers_that_are_not_is_still_found():
    text = "+7 916 123 45 67 4111 1111 1111 1111 40817810099910004312 2026-11-24"

    assert card_numbers_masked(text) == (
        "+7 916 123 45 67 **** **** **** 1111 40817810099910004312 2026-11-24"
    )


# PROPERTIES
# ------------------------------------------------------------------------------
SEPARATORS = [" ", "  ", ".", "/", "-", "\u00a0", "\u2013", "\t", "\n", " - "]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz пожалуйстакарта,:;!?()", max_size=30)


def luhn_completed(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def cards(draw) -> str:
    """A number of any known issuer, at any length it issues, that passes the Luhn check."""
    low, high, lengths = draw(st.sampled_from(ISSUERS))
    prefix = str(draw(st.integers(int(low), int(high)))).zfill(len(low))
    length = draw(st.sampled_from(lengths))
    body = prefix + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - len(prefix) - 1,
                      max_size=length - len(prefix) - 1))
    )  # fmt: skip
    return luhn_completed(body)


@st.composite
def typed_cards(draw) -> tuple[str, str]:
    """(the card, the card as a person types it: grouped by any separator, with an expiry,
    a cvv or a stray digit around it, inside a sentence)."""
    card = draw(cards())
    grouping = draw(st.sampled_from(["whole", "fours", "amex", "random"]))
    if grouping == "whole":
        groups = [card]
    elif grouping == "fours":
        groups = [card[i : i + 4] for i in range(0, len(card), 4)]
    elif grouping == "amex":
        groups = [card[:4], card[4:10], card[10:]]
    else:
        cuts = sorted(draw(st.sets(st.integers(1, len(card) - 1), max_size=6)))
        groups = [card[a:b] for a, b in zip([0, *cuts], [*cuts, len(card)], strict=True)]
    separator = draw(st.sampled_from(SEPARATORS))
    typed = separator.join(group for group in groups if group)
    before = draw(st.sampled_from(["", "8 ", "№ ", "card: "]))
    after = draw(st.sampled_from(["", " 12/26", " 123", " 0526", " exp 11/27", "."]))
    # The one shape the guard gives to the other side: a card and four digits, 20 in all,
    # that read as a bank account (common.cardnumbers.bank_account).
    assume(not bank_account(card + digits_of(after)))
    return card, f"{draw(WORDS)} {before}{typed}{after} {draw(WORDS)}"


def digits(draw, n: int) -> str:
    return "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=n, max_size=n)))


@st.composite
def phones(draw) -> str:
    code, number = draw(st.sampled_from(["9", "4", "8"])) + digits(draw, 2), digits(draw, 7)
    a, b, c = number[:3], number[3:5], number[5:]
    return draw(
        st.sampled_from(
            [
                f"+7{code}{number}",
                f"8{code}{number}",
                f"8 ({code}) {a}-{b}-{c}",
                f"+7 {code} {a} {b} {c}",
                f"+7 ({code}) {a}-{b}-{c}",
                f"8-{code}-{a}-{b}-{c}",
                f"+{draw(st.integers(1, 99))}{digits(draw, draw(st.integers(6, 12)))}",
            ]
        )
    )


@st.composite
def dates(draw) -> str:
    day = draw(st.dates(date(1900, 1, 1), date(2199, 12, 31)))
    return draw(st.sampled_from([day.isoformat(), day.strftime("%d.%m.%Y")]))


@st.composite
def vins(draw) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    vin = draw(st.text(alphabet=alphabet, min_size=16, max_size=16))
    letter = draw(st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ"))
    at = draw(st.integers(0, 16))
    return vin[:at] + letter + vin[at:]


@st.composite
def amounts(draw) -> str:
    whole = f"{draw(st.integers(0, 9_999_999_999)):,}".replace(
        ",", draw(st.sampled_from(" \u00a0"))
    )
    return whole + draw(st.sampled_from(["", f",{digits(draw, 2)}", f".{digits(draw, 2)}"]))


@st.composite
def uuids(draw) -> str:
    value = draw(st.uuids())
    return draw(st.sampled_from([str(value), value.hex, str(value).upper()]))


@st.composite
def accounts(draw) -> str:
    """A Russian bank account: balance account, currency, key, branch, account."""
    number = (
        draw(st.sampled_from(["40817", "40802", "40702", "30101", "42301", "40701", "45507"]))
        + draw(st.sampled_from(sorted(ACCOUNT_CURRENCIES)))
        + digits(draw, 12)
    )
    grouping = draw(st.sampled_from([(20,), (5, 5, 5, 5), (4, 4, 4, 4, 4), (5, 3, 1, 4, 7)]))
    groups, at = [], 0
    for size in grouping:
        groups.append(number[at : at + size])
        at += size
    return draw(st.sampled_from([" ", "\u00a0"])).join(groups)


NOT_CARD_KINDS = {
    "phone": phones(),
    "two phones": st.tuples(phones(), phones()).map(" ".join),
    "date": dates(),
    "two dates": st.tuples(dates(), dates()).map(" ".join),
    "vin": vins(),
    "amount": amounts(),
    "uuid": uuids(),
    "bank account": accounts(),
}


@pytest.mark.parametrize("kind", NOT_CARD_KINDS.keys())
@sized_property(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_number_of_a_kind_that_is_not_a_card_is_refused_or_masked(kind, data):
    text = f"{data.draw(WORDS)} {data.draw(NOT_CARD_KINDS[kind])} {data.draw(WORDS)}"

    assert contains_card_number(text) is False, text
    assert card_numbers_masked(text) == text
    assert redact(text) == text


@sized_property()
@given(typed=typed_cards())
def test_every_card_of_every_issuer_in_every_format_is_refused_and_masked(typed):
    card, text = typed

    masked, logged = card_numbers_masked(text), redact(text)

    assert contains_card_number(text) is True, text
    assert contains_card_number({"notes": [text]}) is True
    for line in (masked, logged):
        assert not holds(line, card), line
        assert contains_card_number(line) is False, line


@sized_property()
@given(card=cards(), separator=st.sampled_from(["+", "%20", "%C2%A0", "%E2%80%93", "-", "."]))
def test_a_card_in_a_query_string_is_masked_however_it_is_url_encoded(card, separator):
    query = f"/api/v1/catalog/products/?search={separator.join(re.findall('.{1,4}', card))}&x=1"

    logged = redact(query)

    assert not holds(logged, card), logged
    searched, rest = logged.split("=", 1)[1].split("&")
    assert digits_of(unquote_plus(searched)).endswith(card[-4:]) and rest == "x=1"


# LOG LINES
# ------------------------------------------------------------------------------
def written(logger: logging.Logger, *args, **kwargs) -> str:
    """What the production formatter writes of one line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger.addHandler(handler)
    try:
        logger.error(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_card_in_a_library_line_its_fields_and_its_traceback_is_masked(caplog):
    logger = logging.getLogger("some.library")
    try:
        raise ValueError(f"bad number {VISA}")
    except ValueError:
        line = written(
            logger, "body: %s", {"card": "4111 1111 1111 1111"}, exc_info=True,
            extra={"path": f"/x?q={AMEX}"},
        )  # fmt: skip

    event = json.loads(line)
    assert "'card': '**** **** **** 1111'" in event["event"]
    assert "bad number ************1111" in event["exception"]
    assert event["path"] == "/x?q=***********0005"
    assert not holds(line, VISA) and not holds(line, AMEX)
    # Every handler, a test's capture too, is given the record already masked.
    (record,) = caplog.records
    assert record.getMessage() == "body: {'card': '**** **** **** 1111'}"
    assert "bad number ************1111" in record.exc_text and not holds(record.exc_text, VISA)


def test_a_line_without_a_card_is_left_as_it_was_made(caplog):
    logging.getLogger("some.library").warning("order %s for %s", 12, "+7 916 123 45 67")

    (record,) = caplog.records
    assert (record.msg, record.args) == ("order %s for %s", (12, "+7 916 123 45 67"))
