"""What search engines and lost visitors meet: the sitemap of every car on sale, robots.txt,
and the error pages, styled and in the reader's language."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from catalog.tests.factories import VehicleFactory
from storefront.views.errors import server_error

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_sitemap_lists_every_car_on_sale_and_no_other():
    on_sale = [VehicleFactory(), VehicleFactory(stock_quantity=0)]  # reserved: still for sale
    withdrawn = VehicleFactory(is_active=False)

    xml = Client().get("/sitemap.xml").content.decode()

    locations = set(re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml))
    assert {f"/cars/{car.pk}/" for car in on_sale} <= locations
    assert f"/cars/{withdrawn.pk}/" not in locations
    assert {"/", "/cars/", "/privacy/"} <= locations


def test_robots_txt_keeps_crawlers_out_of_the_account_and_points_at_the_sitemap():
    text = Client().get("/robots.txt").content.decode()

    assert "Disallow: /account/" in text and "Disallow: /checkout/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_an_unknown_page_is_a_styled_404_suggesting_cars():
    car = VehicleFactory()

    response = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Такой страницы нет" in html and 'href="/cars/"' in html
    assert f'href="{reverse("storefront:car", args=[car.pk])}"' in html


def test_an_unknown_api_path_keeps_the_envelope():
    response = Client().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_the_500_page_needs_no_database_and_speaks_russian():
    with translation.override("ru"):
        response = server_error(RequestFactory().get("/cars/"))

    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()
