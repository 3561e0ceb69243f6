"""Where buyers come from (docs/feeds.md, "Sources"): a buyer who arrives by Avito's feed link
(`?utm_source=avito&utm_medium=feed`), signs in and buys is counted under Avito on the
dashboard and in the sales report, and their CRM record and timeline say so; one who follows a
car's link in Yandex's feed is counted under Yandex; a walk-in a manager records is a walk-in
lead; an order through the API names its own source."""

import uuid
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for
from crm import selectors as crm_selectors
from crm.selectors.dashboard import leads_by_source
from integrations import services as integrations_services
from integrations.models import Feed
from integrations.tests.factories import feed_showroom_make, on_sale, read
from orders import selectors as orders_selectors
from orders import services as order_services
from orders.choices import source_of
from orders.tests.factories import vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


def sources_on_the_dashboard(admin_user) -> dict[str, dict]:
    browser = Client()
    browser.force_login(admin_user)
    figures = browser.get(reverse("dashboard-figures")).json()
    return {row["source"]: row for row in figures["charts"]["sources"]}


def test_a_buyer_from_avitos_feed_is_counted_under_avito(admin_user, run_on_commit):
    car = vehicle_make(price="1500000.00", make="Lada", model="Vesta", year=2026)
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.get(reverse("storefront:home"), {"utm_source": "avito", "utm_medium": "feed"})
    browser.get(reverse("storefront:car", args=[car.pk]))  # browsing on: the source stays
    with run_on_commit():
        buyer = UserFactory(role="client")  # signs up: the CRM records the account
    browser.force_login(buyer)  # signing in keeps the session's source

    with run_on_commit():
        reserved = browser.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})
    order = orders_selectors.order_list(user=buyer).get()
    with run_on_commit():
        order_services.order_paid_amount_set(
            order_id=order.pk, paid_amount=order.total_amount, version=1
        )

    assert reserved.status_code == 302
    assert (order.source, order.attribution["utm_medium"]) == ("avito", "feed")
    avito = sources_on_the_dashboard(admin_user)["avito"]
    assert (avito["label"], avito["orders"], avito["paid"], avito["leads"]) == ("Avito", 1, 1, 1)
    assert avito["revenue"] == "1500000.00"
    report = Client(HTTP_ACCEPT_LANGUAGE="en")
    report.force_login(admin_user)
    today = date.today().isoformat()
    page = report.get(reverse("sales-report"), {"from": today, "to": today}).content.decode()
    by_source = page.split('id="by-source"', 1)[1].split("</table>", 1)[0]
    assert "Avito" in by_source and "1,500,000.00" in by_source
    client = crm_selectors.client_list(user=admin_user).get(user_id=buyer.pk)
    assert client.lead_source == "avito"
    placed = client.activities.get(kind="order_placed")
    assert "Avito" in placed.summary


def test_a_buyer_who_follows_a_cars_link_in_yandexs_feed_is_counted_under_yandex(
    admin_user, run_on_commit
):
    car = on_sale(feed_showroom_make())
    feed = integrations_services.feed_generate(feed_id=Feed.objects.create(kind="yandex").pk)
    (link,) = [url.text for url in ET.fromstring(read(feed)).findall("cars/car/url")]
    link = urlsplit(link)
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")

    landed = browser.get(f"{link.path}?{link.query}")
    with run_on_commit():
        buyer = UserFactory(role="client")
    browser.force_login(buyer)
    with run_on_commit():
        browser.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})

    assert landed.status_code == 200 and link.path == reverse("storefront:car", args=[car.pk])
    order = orders_selectors.order_list(user=buyer).get()
    assert (order.source, order.attribution["utm_medium"]) == ("yandex", "feed")
    assert order.attribution["utm_campaign"] == "all"
    yandex = sources_on_the_dashboard(admin_user)["yandex"]
    assert (yandex["label"], yandex["orders"], yandex["leads"]) == ("Yandex", 1, 1)


def test_a_walk_in_recorded_by_a_manager_is_a_walk_in_lead(manager, admin_user):
    response = client_for(manager).post(
        reverse("crm-clients"),
        {"name": "Иван Петров", "phone": "+79161234567", "source": "walk_in"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["lead_source"] == "walk_in"
    assert leads_by_source(date_from=date.today(), date_to=date.today()) == {"walk_in": 1}
    walk_in = sources_on_the_dashboard(admin_user)["walk_in"]
    assert (walk_in["label"], walk_in["leads"], walk_in["orders"]) == ("Walk-in", 1, 0)


def test_an_api_order_names_its_source_and_a_bad_one_is_refused(customer):
    car = vehicle_make(price="900000.00")
    api = client_for(customer)
    url = reverse("orders-list")
    item = {"product_id": str(car.pk), "quantity": 1}

    wrong = api.post(
        url, {"items": [item], "attribution": {"utm_source": 5, "bogus": "x"}}, format="json"
    )
    made = api.post(
        url,
        {"items": [item], "attribution": {"utm_source": "Auto.ru", "utm_campaign": "winter"}},
        format="json",
    )

    assert wrong.status_code == 400 and "attribution" in wrong.json()["error"]["details"]
    assert made.status_code == 201, made.json()
    assert made.json()["source"] == "autoru"


@pytest.mark.parametrize(
    ("attribution", "source"),
    [
        ({"utm_source": "Avito"}, "avito"),
        ({"utm_source": "auto.ru"}, "autoru"),
        ({"utm_source": "vk_ads<script>"}, "vk_adsscript"),
        ({"referrer": "https://www.avito.ru/moskva/avtomobili"}, "avito"),
        ({"referrer": "https://yandex.ru/search/?text=vesta"}, "yandex"),
        ({"referrer": "https://drom.ru/"}, "drom.ru"),
        ({}, "direct"),
    ],
)
def test_a_visits_source_is_its_campaign_else_its_referrer_else_direct(attribution, source):
    assert source_of(attribution) == source


# THE REFERER, AS ANY CLIENT SENDS IT (docs/security.md, "Where a buyer came from")
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("referer", ["http://[::1", "http://[::1]:80/", "https://", "http:///x"])
def test_a_malformed_referer_is_ignored(referer):
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")

    page = browser.get(reverse("storefront:cars"), HTTP_REFERER=referer)

    assert page.status_code == 200
    assert "attribution" not in browser.session


@pytest.mark.parametrize(
    ("referer", "kept", "source"),
    [
        (
            "https://Drom.RU/moskva/<script>alert(1)</script>?q=" + "x" * 5000,
            "https://drom.ru",
            "drom.ru",
        ),
        ("https://www.avito.ru/moskva/avtomobili?text=vesta", "https://www.avito.ru", "avito"),
        ("http://<script>alert(1)</script>/", None, "direct"),
        ("javascript:alert(1)//evil.example", None, "direct"),
        ("https://" + "a" * 300 + ".example/", None, "direct"),
    ],
    ids=["long-and-html", "avito", "html-host", "javascript", "long-host"],
)
def test_a_referer_is_kept_as_its_validated_host_only(
    admin_user, run_on_commit, referer, kept, source
):
    car = vehicle_make(price="1500000.00")
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")

    browser.get(reverse("storefront:car", args=[car.pk]), HTTP_REFERER=referer)
    noted = browser.session.get("attribution", {}).get("referrer")
    with run_on_commit():
        buyer = UserFactory(role="client")
    browser.force_login(buyer)
    with run_on_commit():
        browser.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})

    assert noted == kept
    order = orders_selectors.order_list(user=buyer).get()
    assert order.source == source
    assert order.attribution.get("referrer") == kept
    client = crm_selectors.client_list(user=admin_user).get(user_id=buyer.pk)
    assert client.lead_source == source
    assert len(client.lead_source) <= 40 and "<" not in client.lead_source


@pytest.mark.parametrize(
    ("referrer", "source"),
    [
        ("http://[::1", "direct"),
        ("http://<script>alert(1)</script>/", "direct"),
        ("https://" + "b" * 64 + ".example/", "direct"),
        ("https://xn--80aswg.xn--p1ai/", "xn--80aswg.xn--p1ai"),
        ("https://сайт.рф/путь", "xn--80aswg.xn--p1ai"),
    ],
    ids=["ipv6-unclosed", "html-host", "long-label", "punycode", "idn"],
)
def test_an_unreadable_referrer_is_no_source(referrer, source):
    assert source_of({"referrer": referrer}) == source
