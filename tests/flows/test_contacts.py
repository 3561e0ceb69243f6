"""The dealership can be reached (docs/showrooms.md, "Who reads them"): the contacts page lists
every showroom open to buyers with its address on a map, its phone to tap, its week's hours
and whether it is open now, each on its own clock, and the legal entity that sells there;
every page's footer names each showroom's phone and today's hours. They come from the
showroom records, and a change shows on the next page."""

import re
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.tests.factories import legal_entity_make
from showroom.tests.factories import YEKATERINBURG, showroom_make

pytestmark = pytest.mark.django_db(databases="__all__")
EVERY_DAY = ((time(0), time(23, 59)),) * 7
NEVER = (None,) * 7


def page(path: str, language: str = "ru") -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """What a reader sees: the words, one space apart, none before a comma."""
    return re.sub(r" ([,.;])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_each_showroom_with_its_map_phone_hours_state_and_seller():
    seller = legal_entity_make()
    moscow = showroom_make(
        name="Автосалон на Ленинградке",
        address="Ленинградское шоссе, 16",
        latitude="55.838410",
        longitude="37.487400",
        hours=EVERY_DAY,
    )
    # Closed today and tomorrow on its own clock; open the day after, from 10:00.
    ekb_today = timezone.now().astimezone(timezone.get_fixed_timezone(300)).date()
    closed = [None] * 7
    closed[(ekb_today + timedelta(days=2)).isoweekday() - 1] = (time(10), time(19))
    showroom_make(**YEKATERINBURG, hours=closed)
    showroom_make(name="Закрытый салон", is_active=False)

    html = page(reverse("storefront:contacts"))
    shown = text(html)

    assert "Закрытый салон" not in html
    assert shown.index("Автосалон на Ленинградке") < shown.index("Автосалон на Космонавтов")
    assert 'href="tel:+74951234567"' in html and 'href="tel:+73432223344"' in html
    assert "https://yandex.ru/maps/?pt=37.487400%2C55.838410" in html
    assert "yandex.ru/maps/?text=%D0%95%D0%BA%D0%B0%D1%82" in html  # no pin: its address
    assert "Сейчас открыто, до 23:59" in shown
    day_after = (ekb_today + timedelta(days=2)).strftime("%d.%m.%Y")
    assert f"Сейчас закрыто; откроется {day_after} 10:00 · местное время, UTC+5" in shown
    assert shown.count("Понедельник") == 2 and "выходной" in shown
    assert f"Продавец: {seller.short_name}, ИНН {seller.inn}, ОГРН {seller.ogrn}" in shown
    assert str(moscow.pk) in html  # the footer's links reach each card by its anchor


def test_a_holiday_overrides_the_weekday_and_the_page_reads_a_change_at_once():
    showroom = showroom_make(
        name="Автосалон на Варшавке",
        hours=EVERY_DAY,
        holidays=[(timezone.localdate(), None, None)],
    )

    assert "Сейчас закрыто; откроется завтра в 00:00" in text(page(reverse("storefront:contacts")))

    showroom.holidays.all().delete()
    showroom.phone = "+7 495 000-00-01"
    showroom.save()

    shown = page(reverse("storefront:contacts"))
    assert "Сейчас открыто" in text(shown) and 'href="tel:+74950000001"' in shown


def test_every_page_names_each_showrooms_phone_and_todays_hours_in_both_languages():
    showroom_make(name="Автосалон на Ленинградке", hours=((time(9), time(21)),) * 7)
    showroom_make(name="Автосалон на Варшавке", phone="+7 495 765-43-21", hours=NEVER)

    russian = text(page(reverse("storefront:home")))
    english = text(page(reverse("storefront:privacy"), "en"))

    assert "Автосалон на Ленинградке, Москва +7 495 123-45-67 · сегодня 09:00–21:00" in russian
    assert "Автосалон на Варшавке, Москва +7 495 765-43-21 · сегодня выходной" in russian
    assert "+7 495 123-45-67 · today 09:00–21:00" in english
    assert "Contacts" in english and "Контакты" in russian
