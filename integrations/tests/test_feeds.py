"""The classifieds' feeds (docs/feeds.md): Avito's, Auto.ru's and Yandex's XML of the cars on sale, every
published car carrying each element its format requires (the lists in docs/feeds.md), the
cars left out listed with their reasons; written ahead, served at a secret address with its
ETag, and written afresh when a price, a photo or the stock changes."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from catalog import services as catalog_services
from catalog.tests.factories import jpeg
from integrations import services
from integrations.feeds import autoru, avito, yandex
from integrations.models import Feed
from integrations.tests.factories import on_sale, read, refreshed
from orders.tests.factories import order_make

pytestmark = pytest.mark.django_db(databases="__all__")
DOCS = Path(__file__).resolve().parents[2] / "docs/feeds.md"


def required_in_docs(section: str) -> list[str]:
    """The elements docs/feeds.md lists in its fenced block `section`."""
    text = DOCS.read_text()
    block = text.split(f"```{section}\n", 1)[1].split("```", 1)[0]
    return block.split()


def test_the_avito_feed_of_the_cars_on_sale_is_well_formed_and_complete(stock):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)

    root = ET.fromstring(read(feed))
    ads = {ad.findtext("Id"): ad for ad in root.findall("Ad")}
    assert (root.tag, root.get("formatVersion"), root.get("target")) == ("Ads", "3", "Avito.ru")
    assert set(ads) == {str(stock["kia"].pk), str(stock["lada"].pk)}
    assert list(avito.REQUIRED) == required_in_docs("avito-required")
    assert list(avito.REQUIRED_USED) == required_in_docs("avito-required-used")
    for ad in ads.values():
        assert [name for name in avito.REQUIRED if ad.find(name) is None] == []
    lada = ads[str(stock["lada"].pk)]
    assert [name for name in avito.REQUIRED_USED if lada.find(name) is None] == []
    assert (lada.findtext("CarType"), lada.findtext("BodyType")) == ("С пробегом", "Внедорожник")
    assert (lada.findtext("Kilometrage"), lada.findtext("Owners")) == ("41000", "2")
    assert lada.findtext("Price") == "1290000"
    assert lada.findtext("Address") == "Москва, Ленинградское шоссе, 16"
    kia = ads[str(stock["kia"].pk)]
    assert (kia.findtext("CarType"), kia.findtext("Transmission")) == ("Новые", "Автомат")
    assert kia.find("Kilometrage") is None
    image = kia.find("Images/Image").get("url")
    assert re.match(r"https?://", image), image  # an absolute address
    assert feed.published_count == 2
    assert {car["id"]: car["reasons"] for car in feed.excluded} == {
        str(stock["bare"].pk): ["no_photo"],
        str(stock["odd"].pk): ["color"],
    }


def test_the_autoru_feed_of_the_cars_on_sale_is_well_formed_and_complete(stock):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="autoru").pk)

    root = ET.fromstring(read(feed))
    cars = {car.findtext("unique_id"): car for car in root.findall("cars/car")}
    assert root.tag == "data"
    assert set(cars) == {str(stock["kia"].pk), str(stock["lada"].pk)}
    assert list(autoru.REQUIRED) == required_in_docs("autoru-required")
    assert list(autoru.REQUIRED_USED) == required_in_docs("autoru-required-used")
    for car in cars.values():
        assert [name for name in autoru.REQUIRED if car.find(name) is None] == []
        assert car.findtext("currency") == "RUR"
    lada = cars[str(stock["lada"].pk)]
    assert (lada.findtext("owners_number"), lada.findtext("run")) == ("Два", "41000")
    assert lada.findtext("modification_id") == "1.6 MT (106 л.с.)"
    assert lada.findtext("body_type") == "Внедорожник 5 дв."
    assert cars[str(stock["kia"].pk)].findtext("contact_info/contact/phone") == "+7 495 123-45-67"
    assert {car["id"] for car in feed.excluded} == {str(stock["bare"].pk), str(stock["odd"].pk)}


def test_the_yandex_feed_is_autorus_with_each_cars_page_tagged_as_yandexs(
    settings, stock, showroom
):
    settings.SITE_URL = "https://autosalon.example"
    every = services.feed_generate(feed_id=Feed.objects.create(kind="yandex").pk)
    own = services.feed_generate(
        feed_id=Feed.objects.create(kind="yandex", showroom_id=showroom).pk
    )

    cars = {
        car.findtext("unique_id"): car for car in ET.fromstring(read(every)).findall("cars/car")
    }
    assert set(cars) == {str(stock["kia"].pk), str(stock["lada"].pk)}
    assert list(yandex.REQUIRED) == [*required_in_docs("autoru-required"), "url"]
    assert required_in_docs("yandex-required") == ["url"]
    for car_id, car in cars.items():
        assert [name for name in yandex.REQUIRED if car.find(name) is None] == []
        link = urlsplit(car.findtext("url"))
        assert f"{link.scheme}://{link.netloc}{link.path}" == (
            f"https://autosalon.example/cars/{car_id}/"
        )
        assert parse_qs(link.query) == {
            "utm_source": ["yandex"],
            "utm_medium": ["feed"],
            "utm_campaign": ["all"],
        }
    lada = cars[str(stock["lada"].pk)]
    assert [name for name in yandex.REQUIRED_USED if lada.find(name) is None] == []
    assert lada.findtext("modification_id") == "1.6 MT (106 л.с.)"
    # a showroom's own feed names it as the link's campaign
    campaigns = {
        parse_qs(urlsplit(car.findtext("url")).query)["utm_campaign"][0]
        for car in ET.fromstring(read(own)).findall("cars/car")
    }
    assert campaigns == {str(showroom)}
    assert {car["id"] for car in every.excluded} == {str(stock["bare"].pk), str(stock["odd"].pk)}
    # Auto.ru's own feed carries no link: buyers there stay on Auto.ru
    autoru_feed = services.feed_generate(feed_id=Feed.objects.create(kind="autoru").pk)
    assert ET.fromstring(read(autoru_feed)).findall("cars/car/url") == []


def test_a_car_of_a_showroom_without_contacts_is_left_out_with_its_reason(showroom):
    catalog_services.location_note(
        showroom_id=showroom, name="Без адреса", city="Москва", is_active=True
    )
    car = on_sale(showroom)

    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)

    assert feed.published_count == 0
    assert feed.excluded == [{"id": str(car.pk), "name": car.name, "reasons": ["no_showroom"]}]


def test_the_feed_is_served_at_its_secret_address_with_its_etag(stock):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    url = reverse("feed-file", args=["avito", feed.token])
    site = Client()

    pulled = site.get(url)
    again = site.get(url, HTTP_IF_NONE_MATCH=pulled["ETag"])

    assert pulled.status_code == 200
    assert pulled["Content-Type"].startswith("application/xml")
    assert pulled["ETag"] == f'"{feed.etag}"' and pulled.has_header("Last-Modified")
    assert b"".join(pulled.streaming_content) == read(feed)
    assert again.status_code == 304
    assert site.get(reverse("feed-file", args=["avito", "wrong"])).status_code == 404
    assert site.get(reverse("feed-file", args=["autoru", feed.token])).status_code == 404
    Feed.objects.filter(pk=feed.pk).update(is_active=False)
    assert site.get(url).status_code == 404


def test_a_price_or_a_photo_changed_and_a_sold_car_reach_the_feed_it_regenerates(
    settings, customer, stock, run_on_commit
):
    settings.FEEDS_DEBOUNCE_SECONDS = 0
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    kia, lada = stock["kia"], stock["lada"]
    before = feed.etag

    with run_on_commit():
        catalog_services.product_update(product=kia, price=Decimal("2990000.00"))
    with run_on_commit():
        catalog_services.photo_add(product=lada, data=jpeg(color="tomato"))
    ads = {ad.findtext("Id"): ad for ad in ET.fromstring(read(refreshed(feed))).findall("Ad")}
    assert ads[str(kia.pk)].findtext("Price") == "2990000"
    assert len(ads[str(lada.pk)].findall("Images/Image")) == 2

    with run_on_commit():
        order_make(customer, (kia, 1))  # reserved for a buyer: off the classifieds
    feed = refreshed(feed)
    ids = {ad.findtext("Id") for ad in ET.fromstring(read(feed)).findall("Ad")}
    assert ids == {str(lada.pk)}
    assert feed.etag != before


def test_the_admin_lists_the_cars_left_out_with_their_reasons(admin_user, stock):
    feed = services.feed_generate(feed_id=Feed.objects.create(kind="avito").pk)
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(admin_user)

    page = browser.get(reverse("admin:integrations_feed_change", args=[feed.pk]))
    listed = browser.get(reverse("admin:integrations_feed_changelist"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "нет фото" in html and "цвет не сопоставлен" in html
    assert reverse("admin:catalog_product_change", args=[stock["bare"].pk]) in html
    assert f"/feeds/avito/{feed.token}.xml" in html
    assert listed.status_code == 200
