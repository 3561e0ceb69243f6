"""Money in Russian words, as a contract or an invoice writes it: "Два миллиона сто тысяч
рублей 00 копеек" (num2words says the number; the noun agrees with it here)."""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

RUBLE = ("рубль", "рубля", "рублей")
KOPECK = ("копейка", "копейки", "копеек")


def plural_form(number: int, forms: tuple[str, str, str]) -> str:
    """The noun after `number`: 1 рубль, 2 рубля, 5 рублей (11 to 14 take the last)."""
    if number % 10 == 1 and number % 100 != 11:
        return forms[0]
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return forms[1]
    return forms[2]


def rubles_in_words(amount: Decimal) -> str:
    kopecks_total = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    rubles, kopecks = divmod(kopecks_total, 100)
    words = num2words(rubles, lang="ru")
    text = f"{words} {plural_form(rubles, RUBLE)} {kopecks:02d} {plural_form(kopecks, KOPECK)}"
    return text[0].upper() + text[1:]
