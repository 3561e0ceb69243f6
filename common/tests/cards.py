"""Card numbers as people type them and numbers that are not cards, for the tests of the
card-number guard (common/cardnumbers.py), and whether a text still shows a card."""

from urllib.parse import unquote_plus

VISA = "4111111111111111"
AMEX = "378282246310005"
# Every format the security review (issue 32, finding 5) stored although it is a card.
CARD_FORMATS = {
    "with an expiry after it": "4111 1111 1111 1111 12/26",
    # Its last groups read as a date (1600.01.09), found by the property test in
    # test_cardnumbers.py.
    "ending in groups shaped as a date": "5.1000000.1600.01.09",
    "with a cvv after it": "4111111111111111 123",
    "with a digit before it": "8 4111111111111111",
    "grouped by double spaces": "4111  1111  1111  1111",
    "grouped by dots": "4111.1111.1111.1111",
    "grouped by slashes": "4111/1111/1111/1111",
    "grouped by nbsp": "4111\u00a01111\u00a01111\u00a01111",
    "grouped by en-dashes": "4111\u20131111\u20131111\u20131111",
    "grouped by tabs": "4111\t1111\t1111\t1111",
    "grouped by newlines": "4111\n1111\n1111\n1111",
    "amex with an expiry after it": "378282246310005 0526",
    "grouped by spaces": "4111 1111 1111 1111",
    "grouped by hyphens": "4111-1111-1111-1111",
    "grouped by spaced hyphens": "4111 - 1111 - 1111 - 1111",
    "mastercard in fullwidth digits": "\uff15\uff15\uff15\uff15" * 3 + "\uff14" * 4,
}
NOT_CARDS = {
    "an e.164 phone": "+79161234567",
    "a russian phone in brackets": "8 (916) 123-45-67",
    "a russian phone in groups": "+7 916 123 45 67",
    "two phones": "+7 916 123 45 67 +7 916 765 43 21",
    "two bare phones": "89161234567 89167654321",
    "two grouped phones without a plus": "8 916 123 45 67 8 916 765 43 21",
    "a foreign e.164 phone": "+4915123456789",
    "an iso date": "2026-11-24",
    "a russian date": "24.11.2026",
    "two iso dates": "2026-11-24 2026-12-01",
    "two russian dates": "24.11.2026 27.12.2026",
    "a vin": "1HGCM82633A004352",
    "a lada vin": "XTA21099043123456",
    "an amount": "1 250 000,00",
    "a uuid": "28616897-5777-4ea2-84ec-f727f305cc0b",
    "a bank account": "40817810099910004312",
    "a bank account in groups of 5": "40817 81009 99100 04312",
    "a bank account in groups of 4": "4081 7810 0999 1000 4312",
    "a bank account as banks print it": "40817 810 0 9991 0004312",
    "a luhn-invalid mir number": "2200 1234 5678 9010",
}


def digits_of(text: str) -> str:
    """The digits of `text`, fullwidth ones and all, as ASCII digits."""
    return "".join(str(int(c)) for c in text if c.isdecimal())


def holds(text: str, card: str) -> bool:
    """`text` still shows the card's digits (all but the last four suffice to leak it),
    whatever separates them, URL-encoded or not."""
    return digits_of(card)[:-4] in digits_of(unquote_plus(text))
