"""Numbers and dates in notices the way the customer's language writes them: a rate with a
decimal comma in Russian, a policy's days as ДД.ММ.ГГГГ (they arrive as ISO strings), and
the catalogue's samples, which the admin's preview and the e-mails' walk show, alike."""

from datetime import date
from types import SimpleNamespace

from django.utils import translation

from notifications.catalogue import NOTICES, Percent, formatted
from notifications.handlers import _policy_issued


def test_a_rate_has_a_decimal_comma_in_russian_and_a_point_in_english():
    with translation.override("ru"):
        russian = formatted(Percent("15.90"))
    with translation.override("en"):
        english = formatted(Percent("15.90"))

    assert (russian, english) == ("15,90", "15.90")


def test_a_policys_days_are_read_as_dates_and_written_the_russian_way():
    policy = SimpleNamespace(
        number="KASKO-1",
        insurance_type="kasko",
        premium="114950.00",
        currency="RUB",
        start_date="2026-11-27",
        end_date="2027-11-26",
    )  # fmt: skip; the event's payload, as the consumer gets it

    variables = _policy_issued(policy)  # type: ignore[arg-type]

    assert variables["start_date"] == date(2026, 11, 27)
    with translation.override("ru"):
        assert formatted(variables["end_date"]) == "26.11.2027"


def test_the_samples_are_written_the_way_the_language_of_the_preview_writes_them():
    loan, policy = NOTICES["loan.offer_chosen"], NOTICES["policy.issued"]
    with translation.override("ru"):
        russian = {**loan.variables, **policy.variables}
    with translation.override("en"):
        english = {**loan.variables, **policy.variables}

    assert (russian["amount"], english["amount"]) == (
        "1\xa0580\xa0000,00\xa0₽",
        "1,580,000.00\xa0RUB",
    )
    assert (russian["annual_rate"], english["annual_rate"]) == ("11,90", "11.90")
    # The full cost of credit to three places (353-FZ, art. 6).
    assert (russian["full_cost_percent"], english["full_cost_percent"]) == ("12,612", "12.612")
    assert (russian["insurance_type"], english["insurance_type"]) == ("КАСКО", "KASKO")
    assert (russian["end_date"], english["end_date"]) == ("30.11.2027", "11/30/2027")
