"""The storefront's pages: the home page, the listing with its facets, the vehicle page with
its calculator and insurance estimate, and the comparison, read as a buyer reads them."""

import json
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog import selectors as catalog
from catalog import services as catalog_services
from catalog.tests.factories import ProductFactory, VehicleFactory
from documents.tests.factories import SELLER, legal_entity_make
from orders.tests.factories import order_make
from showroom.tests.factories import event_make
from storefront.compare import SESSION_KEY
from storefront.forms import CheckoutForm

pytestmark = pytest.mark.django_db(databases="__all__")

CARS = reverse("storefront:cars")


def car_url(car) -> str:
    return reverse("storefront:car", args=[car.pk])


def html_of(response) -> str:
    return response.content.decode()


def listed_ids(response) -> list[str]:
    """The vehicles a listing shows, in its order, by their links."""
    return re.findall(r'class="card-link" href="/cars/([0-9a-f-]{36})/"', html_of(response))


@pytest.fixture
def client_ru():
    return Client(HTTP_ACCEPT_LANGUAGE="en")  # the dealership's language wins over a browser's


@pytest.fixture
def client_en():
    english = Client()
    english.cookies["django_language"] = "en"
    return english


@pytest.fixture
def lot():
    """Ten cars of three body types and two colours, one of them reserved."""
    cars = [
        VehicleFactory(body_type="crossover", color="white", price=Decimal("2500000.00")),
        VehicleFactory(body_type="crossover", color="white", price=Decimal("2900000.00")),
        VehicleFactory(body_type="crossover", color="black", price=Decimal("3100000.00")),
        VehicleFactory(body_type="sedan", color="white", price=Decimal("1900000.00")),
        VehicleFactory(body_type="sedan", color="black", price=Decimal("2100000.00")),
        VehicleFactory(body_type="sedan", color="black", make="Lada", model="Vesta"),
        VehicleFactory(body_type="suv", color="white", condition="used", mileage_km=54000),
        VehicleFactory(body_type="suv", color="black", transmission="manual"),
        VehicleFactory(body_type="suv", color="white", transmission="manual"),
        VehicleFactory(body_type="crossover", color="white", stock_quantity=0),  # reserved
    ]
    return cars


@pytest.fixture
def accessory():
    return ProductFactory(name="Floor mats", price=Decimal("5000.00"))


# LANGUAGE
# ------------------------------------------------------------------------------
def test_the_storefront_speaks_russian_unless_the_buyer_chose_english(client_ru, client_en, lot):
    russian = html_of(client_ru.get("/"))
    english = html_of(client_en.get("/"))

    assert '<html lang="ru"' in russian and "Автомобили в продаже" in russian
    assert '<html lang="en"' in english and "Cars for sale" in english


# HOME
# ------------------------------------------------------------------------------
def test_the_home_page_counts_the_lot_by_body_type_and_shows_the_newest_cars(client_ru, lot):
    event = event_make()
    response = client_ru.get("/")

    html = html_of(response)
    assert response.status_code == 200
    on_the_lot = [car for car in lot if car.stock_quantity]
    for body, label in (("crossover", "Кроссовер"), ("sedan", "Седан"), ("suv", "Внедорожник")):
        count = sum(car.body_type == body for car in on_the_lot)
        link = f'href="/cars/?body_type={body}"><strong>{label}</strong><span>{count} автомобил'
        assert link in html, body
    shown = listed_ids(response)
    newest = sorted(on_the_lot, key=lambda car: car.created_at, reverse=True)[:8]
    assert shown == [str(car.pk) for car in newest]
    assert event.title in html
    assert 'href="/api/docs/"' in html  # the footer, for partners
    for path in ("/admin/", "/dashboard/"):  # not for buyers: staff know where they work
        assert f'href="{path}"' not in html


def test_every_page_names_the_seller_and_how_to_reach_it(client_ru, lot):
    """Distance selling needs the seller's name, INN, OGRN and address before the sale (the
    Consumer Protection Law, art. 26.1): the footer reads them from the legal entity that
    signs, and shows a change of it at once."""
    entity = legal_entity_make()
    pages = [client_ru.get(path) for path in ("/", "/cars/", car_url(lot[0]), "/compare/")]
    entity.phone = "+7 (495) 765-43-21"
    entity.save(using="documents", update_fields=["phone"])
    changed = html_of(client_ru.get("/"))

    for page in pages:
        html = html_of(page)
        assert SELLER["short_name"] in html.replace("&laquo;", "«").replace("&raquo;", "»")
        assert f"ИНН {SELLER['inn']}" in html and f"ОГРН {SELLER['ogrn']}" in html
        assert SELLER["address"] in html
        assert f'href="tel:{SELLER["phone"]}"' in html
    assert 'href="tel:+74957654321">+7 (495) 765-43-21</a>' in changed


# LISTING
# ------------------------------------------------------------------------------
def test_the_listing_shows_exactly_the_cars_every_filter_admits(client_ru, lot, accessory):
    response = client_ru.get(
        CARS, {"body_type": "crossover", "color": "white", "max_price": "2900000"}
    )

    expected = {
        str(car.pk)
        for car in lot
        if car.body_type == "crossover"
        and car.color == "white"
        and car.price <= Decimal("2900000")
        and car.stock_quantity
    }
    assert response.status_code == 200
    assert set(listed_ids(response)) == expected and len(expected) == 2
    assert "Найдено 2 автомобиля" in html_of(response)


def test_each_facet_counts_under_the_other_filters_and_keeps_its_own_choice_ticked(client_ru, lot):
    html = html_of(client_ru.get(CARS, {"body_type": "suv", "color": "white"}))

    # Colours are counted among the SUVs, body types among the white cars on the lot.
    suvs = [car for car in lot if car.body_type == "suv" and car.stock_quantity]
    whites = [car for car in lot if car.color == "white" and car.stock_quantity]
    black_suvs = sum(car.color == "black" for car in suvs)
    white_sedans = sum(car.body_type == "sedan" for car in whites)
    assert re.search(
        rf'name="color" value="black"[^>]*>\s*<span>Чёрный</span> <span class="count">{black_suvs}<',
        html,
    )
    assert re.search(r'name="color" value="white"[^>]*checked>', html)
    assert re.search(
        rf'name="body_type" value="sedan"[^>]*>\s*<span>Седан</span> <span class="count">{white_sedans}<',
        html,
    )


def test_the_listing_sorts_and_pages_with_its_state_in_the_url(client_ru, lot):
    cheapest = client_ru.get(CARS, {"ordering": "price"})
    on_the_lot = sorted(
        (car for car in lot if car.stock_quantity), key=lambda car: (car.price, car.created_at)
    )

    prices = [catalog.product_get(product_id=pk).price for pk in listed_ids(cheapest)]
    assert prices == sorted(prices) and len(prices) == len(on_the_lot)
    assert prices[0] == on_the_lot[0].price


def test_htmx_gets_only_the_listing_it_swaps(client_ru, lot):
    response = client_ru.get(CARS, {"body_type": "sedan"}, HTTP_HX_REQUEST="true")

    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="listing"') and "<html" not in html
    assert len(listed_ids(response)) == 3


def test_an_invalid_filter_is_a_400_page_naming_the_problem_and_listing_nothing(client_ru, lot):
    response = client_ru.get(CARS, {"min_year": "soon", "body_type": "spaceship"})

    html = html_of(response)
    assert response.status_code == 400
    assert "Некоторые фильтры заданы неверно" in html
    assert listed_ids(response) == []


# THE VEHICLE PAGE
# ------------------------------------------------------------------------------
def annuity(amount: Decimal, rate: Decimal, months: int) -> Decimal:
    """The monthly payment of an annuity, computed here from the textbook formula."""
    i = rate / 1200
    payment = amount * i / (1 - (1 + i) ** -months)
    return payment.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_vehicle_page_shows_the_specification_price_and_monthly_payment(client_ru, lot):
    car = lot[0]  # 2 500 000, a new crossover
    response = client_ru.get(car_url(car), {"down_payment": "1250000", "term_months": "12"})

    html = html_of(response)
    assert response.status_code == 200
    assert "2\xa0500\xa0000\xa0₽" in html
    for label, value in (
        ("Кузов", "Кроссовер"),
        ("Мощность, л. с.", "194 л. с."),
        ("VIN", car.vin),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    # Half down for a year is the table's best car-loan band: 9.90 %.
    monthly = annuity(Decimal("1250000"), Decimal("9.90"), 12)
    assert f"{monthly:,.2f}".replace(",", "\xa0").replace(".", ",") in html
    assert "9,90% годовых" in html
    assert "не является публичной офертой" in html


def test_the_first_down_payment_is_one_the_browser_accepts_so_the_calculator_recalculates():
    """20 % of 1,990,000 is 398,000, which a number field stepping by 10,000 held invalid:
    the browser refused the form and htmx sent nothing when the term changed. A text field
    of grouped roubles holds no amount invalid."""
    car = VehicleFactory(price=Decimal("1990000.00"))

    html = html_of(Client(HTTP_ACCEPT_LANGUAGE="ru").get(car_url(car)))

    field = re.search(r'<input type="text" id="id_down_payment"[^>]*>', html)
    assert field is not None
    assert "step=" not in field.group() and "pattern=" not in field.group()  # any amount
    assert 'value="390\xa0000"' in field.group()  # 20 %, rounded down to a round figure


def test_a_down_payment_of_the_whole_price_is_refused_in_the_form(client_ru, lot):
    car = lot[0]
    response = client_ru.get(car_url(car), {"down_payment": "2500000", "term_months": "60"})

    html = html_of(response)
    assert response.status_code == 200
    assert "Первоначальный взнос должен быть меньше цены" in html
    assert 'aria-invalid="true"' in html


def test_the_insurance_estimate_prices_osago_and_kasko_for_the_driver_given(client_ru, lot):
    car = lot[0]
    young = html_of(
        client_ru.get(car_url(car), {"driver_age": "19", "driver_experience_years": "1"})
    )
    seasoned = html_of(
        client_ru.get(car_url(car), {"driver_age": "45", "driver_experience_years": "20"})
    )

    def premiums(html: str) -> list[Decimal]:
        found = re.findall(r"<dt>(?:ОСАГО|КАСКО) на год</dt><dd>([\d\xa0]+,\d\d)", html)
        return [Decimal(value.replace("\xa0", "").replace(",", ".")) for value in found]

    assert len(premiums(young)) == 2
    assert all(a > b for a, b in zip(premiums(young), premiums(seasoned), strict=True))


def test_the_vehicle_page_carries_schema_org_car_data_with_its_offer(client_ru, lot):
    car = lot[0]
    html = html_of(client_ru.get(car_url(car)))

    block = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S
    )
    data = json.loads(block.group(1))
    assert data["@type"] == "Car" and data["vehicleIdentificationNumber"] == car.vin
    assert data["offers"]["price"] == "2500000.00" and data["offers"]["priceCurrency"] == "RUB"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_a_reserved_car_says_so_and_a_missing_one_is_a_404_page(client_ru, lot, accessory):
    reserved = html_of(client_ru.get(car_url(lot[-1])))
    missing = client_ru.get(
        reverse("storefront:car", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert "забронирован другим покупателем" in reserved
    assert missing.status_code == 404 and "больше не продаётся" in html_of(missing)
    assert client_ru.get(car_url(accessory)).status_code == 404


def test_the_csp_of_a_storefront_page_allows_no_inline_script(client_ru, lot):
    response = client_ru.get(car_url(lot[0]))

    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'nonce-" in script_src


# COMPARE
# ------------------------------------------------------------------------------
def test_compare_keeps_four_cars_and_marks_the_rows_that_differ(client_ru, lot):
    for car in lot[:5]:
        client_ru.post(reverse("storefront:compare-add", args=[car.pk]))

    page = client_ru.get(reverse("storefront:compare"))
    html = html_of(page)
    assert client_ru.session[SESSION_KEY] == [str(car.pk) for car in lot[:4]]
    assert all(f'href="{car_url(car)}"' in html for car in lot[:4])
    assert f'href="{car_url(lot[4])}"' not in html
    assert re.search(r'<tr class="differs">\s*<th scope="row">Цвет', html)
    assert re.search(r'<tr>\s*<th scope="row">Марка', html)  # all four are Kias


def test_a_car_removed_from_compare_leaves_it(client_ru, lot):
    for car in lot[:2]:
        client_ru.post(reverse("storefront:compare-add", args=[car.pk]))
    client_ru.post(reverse("storefront:compare-remove", args=[lot[0].pk]))

    assert client_ru.session[SESSION_KEY] == [str(lot[1].pk)]


def test_a_second_cars_page_offers_to_add_it_while_the_first_is_compared(client_ru, lot):
    """The header's count of compared cars once took the car page's `compared` flag: with one
    car compared, every other car's page offered to remove it, and two cars could not be
    compared from the site."""
    first, second = lot[:2]
    client_ru.post(reverse("storefront:compare-add", args=[first.pk]))

    other = html_of(client_ru.get(car_url(second)))
    added = html_of(client_ru.get(car_url(first)))
    client_ru.post(reverse("storefront:compare-add", args=[second.pk]))

    assert reverse("storefront:compare-add", args=[second.pk]) in other
    assert "Добавить к сравнению" in other and "В сравнении: убрать" not in other
    assert reverse("storefront:compare-remove", args=[first.pk]) in added
    assert client_ru.session[SESSION_KEY] == [str(first.pk), str(second.pk)]


def test_a_form_without_its_csrf_token_is_refused(lot):
    guarded = Client(enforce_csrf_checks=True)

    response = guarded.post(reverse("storefront:compare-add", args=[lot[0].pk]))

    assert response.status_code == 403
    assert SESSION_KEY not in guarded.session


def test_the_home_page_of_an_empty_lot_still_answers(client_ru):
    response = client_ru.get("/")

    assert response.status_code == 200
    assert "0 автомобилей в наличии" in html_of(response)
    assert listed_ids(response) == []


def test_similar_cars_are_of_the_same_body_on_the_lot_nearest_in_price_first(client_ru):
    car = VehicleFactory(body_type="suv", price=Decimal("3000000.00"))
    near = VehicleFactory(body_type="suv", price=Decimal("2950000.00"))
    next_ = VehicleFactory(body_type="suv", price=Decimal("3100000.00"))
    far = VehicleFactory(body_type="suv", price=Decimal("5000000.00"))
    farther = VehicleFactory(body_type="suv", price=Decimal("900000.00"))
    VehicleFactory(body_type="suv", price=Decimal("3000001.00"), stock_quantity=0)  # reserved
    VehicleFactory(body_type="sedan", price=Decimal("3000000.00"))

    shown = catalog.vehicles_similar(vehicle=car, limit=4)

    assert [similar.pk for similar in shown] == [near.pk, next_.pk, far.pk, farther.pk]
    assert listed_ids(client_ru.get(car_url(car)))[:4] == [str(similar.pk) for similar in shown]


# CACHING (docs/storefront.md, "Caching")
# ------------------------------------------------------------------------------
@pytest.fixture
def fragments(settings):
    """A cache of this test's own, so that fragments are really kept."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
        },
    }


def test_a_cars_specification_is_rendered_once_and_an_edit_shows_at_once(fragments):
    car = VehicleFactory(trim="Comfort")
    url = car_url(car)
    Client().get(url)

    with patch("storefront.specs.specification", side_effect=AssertionError("rendered again")):
        again = Client().get(url)
    assert again.status_code == 200 and "Comfort" in again.content.decode()

    catalog_services.product_update(product=catalog.product_get(product_id=car.pk), trim="Prestige")
    edited = Client().get(url).content.decode()
    assert "Prestige" in edited and "Comfort" not in edited


def test_stock_stays_live_under_the_cached_fragments(fragments):
    car = VehicleFactory(trim="Comfort")
    url = car_url(car)
    reserve = f'action="{reverse("storefront:reserve", args=[car.pk])}"'
    assert reserve in Client().get(url).content.decode()

    order_make(UserFactory(), (car, 1))  # the car is held for its buyer

    held = Client().get(url).content.decode()
    assert reserve not in held and "Comfort" in held


def test_amounts_are_typed_and_shown_grouped_as_a_russian_reads_them(client_ru):
    """A down payment reads `630 000`, not `630000`, and is taken as typed, with its spaces
    and a decimal comma (issue 67)."""
    car = VehicleFactory(price=Decimal("3150000.00"))

    first = client_ru.get(car_url(car)).content.decode()
    typed = client_ru.get(car_url(car), {"down_payment": "1 250 000,50", "term_months": "12"})
    shown = typed.content.decode()

    assert 'name="down_payment" inputmode="decimal" autocomplete="off" value="630\xa0000"' in first
    assert typed.status_code == 200
    assert 'value="1\xa0250\xa0000,50"' in shown
    assert "aria-invalid" not in shown.split('name="down_payment"')[1].split(">")[0]
    form = CheckoutForm(
        {
            "plan": "loan",
            "key": str(uuid.uuid4()),
            "term_months": "60",
            "down_payment": "600 000",
            "monthly_income": "150\u202f000,00",
            "employment_status": "employed",
        }
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["down_payment"], form.cleaned_data["monthly_income"]) == (
        Decimal("600000"),
        Decimal("150000.00"),
    )
    assert 'value="600\xa0000"' in str(form["down_payment"])


def test_the_listings_price_range_is_typed_and_shown_grouped(client_ru):
    VehicleFactory(price=Decimal("1500000.00"))
    dearer = VehicleFactory(price=Decimal("3190000.00"))

    response = client_ru.get(CARS, {"min_price": "2 000 000"})
    html = response.content.decode()

    assert response.status_code == 200
    assert 'name="min_price" inputmode="decimal" autocomplete="off" value="2\xa0000\xa0000"' in html
    assert str(dearer.pk) in html
    assert "Найден 1 автомобиль" in html
