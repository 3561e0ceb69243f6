"""The legal entity's requisites are checked by their check digits; money is written in
Russian words as an invoice writes it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from documents import payment_qr, requisites
from documents.words import plural_form, rubles_in_words


@pytest.mark.parametrize("inn", ["7707083893", "7702123454", "500100732259"])
def test_a_valid_inn_passes(inn):
    requisites.validate_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "770708389", "77070838931", "77O7083893"])
def test_a_wrong_inn_is_refused(inn):
    with pytest.raises(ValidationError):
        requisites.validate_inn(inn)


def test_the_ogrn_and_the_accounts_keys_are_checked():
    requisites.validate_ogrn("1027700132195")
    with pytest.raises(ValidationError):
        requisites.validate_ogrn("1027700132196")
    assert requisites.correspondent_key_valid(account="30101810400000000225", bik="044525225")
    assert requisites.account_key_valid(account="40702810938000012345", bik="044525225")
    assert not requisites.account_key_valid(account="40702810938000012346", bik="044525225")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("2100000", "Два миллиона сто тысяч рублей 00 копеек"),
        ("1521.01", "Одна тысяча пятьсот двадцать один рубль 01 копейка"),
        ("3.22", "Три рубля 22 копейки"),
        ("11.12", "Одиннадцать рублей 12 копеек"),
        ("0.05", "Ноль рублей 05 копеек"),
    ],
)
def test_money_in_russian_words(amount, words):
    assert rubles_in_words(Decimal(amount)) == words


def test_the_noun_agrees_with_the_number():
    forms = ("рубль", "рубля", "рублей")
    assert [plural_form(n, forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)] == [
        "рубль", "рубля", "рублей", "рублей", "рублей", "рубль", "рубля", "рублей", "рубль",
        "рублей",
    ]  # fmt: skip


def test_the_payment_qr_payload_is_gost_r_56042_with_the_sum_in_kopecks():
    text = payment_qr.payload(
        name="ООО «Автосалон»",
        account="40702810938000012345",
        bank_name="ПАО Сбербанк",
        bik="044525225",
        correspondent_account="30101810400000000225",
        inn="7702123454",
        kpp="770201001",
        amount=Decimal("2100000.50"),
        purpose="Оплата по счёту СЧ-2026-000001 | VIN X",
    )

    assert text.startswith("ST00012|Name=ООО «Автосалон»|PersonalAcc=40702810938000012345|")
    assert "|Sum=210000050|" in text
    assert text.endswith("Purpose=Оплата по счёту СЧ-2026-000001 / VIN X")
