"""Narrowing the stock: every filter, the facets (each counted under every filter but its
own) and the ranges, against counts this test computes from the cars it made; the search's
typos, transliteration and partial VINs, and its ranking; the comparison."""

import random
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.models import Product
from catalog.tests.factories import CategoryFactory, vin_of

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

LIST_URL = reverse("products-list")
FACETS_URL = reverse("products-facets")
COMPARE_URL = reverse("products-compare")

MODELS = [
    # make, model, body, fuel, transmission, drive, wmi
    ("Kia", "K5", "sedan", "petrol", "automatic", "fwd", "KNA"),
    ("Haval", "F7", "crossover", "petrol", "robot", "awd", "LGW"),
    ("Toyota", "Camry", "sedan", "hybrid", "cvt", "fwd", "JTN"),
    ("Lada", "Niva Legend", "suv", "petrol", "manual", "awd", "XTA"),
    ("Tesla", "Model 3", "sedan", "electric", "automatic", "rwd", "5YJ"),
]
COLORS = ["white", "black", "grey", "red"]


@pytest.fixture
def stock():
    """Forty cars of five models, new and used, one sold and one taken off sale, in varied
    colours, prices, years, mileages and powers: the same every run."""
    rng = random.Random(47)
    category = CategoryFactory()
    cars = []
    for serial in range(40):
        make, model, body, fuel, transmission, drive, wmi = MODELS[serial % len(MODELS)]
        used = serial % 3 == 0
        year = rng.randint(2017, 2022) if used else 2024
        car = services.product_create(
            name=f"{make} {model}",
            description="Надёжный автомобиль для города и трассы",
            price=Decimal(rng.randrange(900_000, 6_000_000, 10_000)),
            category=category,
            stock_quantity=0 if serial == 7 else 1,
            make=make,
            model=model,
            year=year,
            vin=vin_of(wmi, "HJKLMN"[year - 2017] if year < 2024 else "R", serial),
            condition="used" if used else "new",
            body_type=body,
            fuel=fuel,
            engine_volume=None if fuel == "electric" else Decimal("2.0"),
            power_hp=rng.randint(80, 400),
            transmission=transmission,
            drive=drive,
            color=COLORS[serial % len(COLORS)],
            mileage_km=rng.randint(10_000, 150_000) if used else 0,
            owners_count=1 if used else None,
        )
        cars.append(car)
    services.product_deactivate(product=cars[11])
    services.product_create(
        name="Floor mats", price=Decimal("6500.00"), stock_quantity=50, category=category
    )
    return [Product.objects.get(pk=car.pk) for car in cars]


def on_sale(cars):
    return [car for car in cars if car.is_active and car.stock_quantity > 0]


def listed(client, **params) -> set[str]:
    response = client.get(LIST_URL, {**params, "page_size": 100})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def ids(cars) -> set[str]:
    return {str(car.pk) for car in cars}


# FILTERS
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"condition": "used"}, lambda car: car.condition == "used"),
        ({"body_type": ["suv", "crossover"]}, lambda car: car.body_type in {"suv", "crossover"}),
        ({"fuel": "electric"}, lambda car: car.fuel == "electric"),
        ({"transmission": ["cvt", "manual"]}, lambda car: car.transmission in {"cvt", "manual"}),
        ({"drive": "awd"}, lambda car: car.drive == "awd"),
        ({"color": ["white", "red"]}, lambda car: car.color in {"white", "red"}),
        ({"make": ["kia", "TOYOTA"]}, lambda car: car.make in {"Kia", "Toyota"}),
        ({"make": "Kia,Haval"}, lambda car: car.make in {"Kia", "Haval"}),
        ({"model": "Model 3"}, lambda car: car.model == "Model 3"),
        ({"min_year": 2019, "max_year": 2021}, lambda car: 2019 <= car.year <= 2021),
        (
            {"min_price": "2000000", "max_price": "4000000"},
            lambda car: Decimal(2_000_000) <= car.price <= Decimal(4_000_000),
        ),
        ({"max_mileage": 60000}, lambda car: car.mileage_km <= 60000),
        (
            {"min_power_hp": 150, "max_power_hp": 300},
            lambda car: 150 <= car.power_hp <= 300,
        ),
    ],
)
def test_each_filter_lists_exactly_the_cars_it_describes(api_client, stock, params, keep):
    active = [car for car in stock if car.is_active]

    assert listed(api_client, **params) == ids(filter(keep, active))


def test_filters_combine_and_the_old_ones_keep_working(api_client, stock):
    params = {"body_type": "sedan", "color": ["white", "black"], "in_stock": "true"}
    expected = [
        car
        for car in on_sale(stock)
        if car.body_type == "sedan" and car.color in {"white", "black"}
    ]

    assert listed(api_client, **params) == ids(expected)
    assert listed(api_client, year=2024, ordering="-price") == ids(
        car for car in stock if car.is_active and car.year == 2024
    )


@pytest.mark.parametrize(
    "params",
    [
        {"body_type": "spaceship"},
        {"min_year": "twenty"},
        {"max_mileage": "-1"},
        {"make": [f"make {n}" for n in range(21)]},
        {"make": "x" * 61},
        {"colour": "red"},  # not a filter
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api_client, stock, params):
    response = api_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == set(params)


# FACETS
# ------------------------------------------------------------------------------
def counted(cars, attribute) -> dict[str, int]:
    counts: dict[str, int] = {}
    for car in cars:
        value = getattr(car, attribute)
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def test_facets_count_each_value_under_every_filter_but_their_own(api_client, stock):
    params = {"body_type": "sedan", "color": ["white", "grey"], "max_price": "5000000"}
    cars = on_sale(stock)

    def matching(*, but: str = "") -> list:
        return [
            car
            for car in cars
            if (but == "body_type" or car.body_type == "sedan")
            and (but == "color" or car.color in {"white", "grey"})
            and car.price <= Decimal(5_000_000)
        ]

    response = api_client.get(FACETS_URL, params)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == len(matching())
    facets = {
        name: {v["value"]: v["count"] for v in values} for name, values in body["facets"].items()
    }
    assert facets["body_type"] == counted(matching(but="body_type"), "body_type")
    assert facets["color"] == counted(matching(but="color"), "color")
    for facet in ("make", "model", "fuel", "transmission", "drive", "condition"):
        assert facets[facet] == counted(matching(), facet), facet
    prices = [car.price for car in matching()]
    assert body["ranges"]["price"] == {"min": f"{min(prices):.2f}", "max": f"{max(prices):.2f}"}
    mileages = [car.mileage_km for car in matching()]
    assert body["ranges"]["mileage_km"] == {"min": min(mileages), "max": max(mileages)}


def test_facets_label_their_values_in_the_readers_language_and_count_only_cars_on_sale(
    api_client, stock
):
    russian = api_client.get(FACETS_URL, HTTP_ACCEPT_LANGUAGE="ru").json()
    english = api_client.get(FACETS_URL, HTTP_ACCEPT_LANGUAGE="en").json()

    labels = {v["value"]: v["label"] for v in russian["facets"]["body_type"]}
    assert labels["sedan"] == "Седан"
    assert {v["value"]: v["label"] for v in english["facets"]["body_type"]}["sedan"] == "Sedan"
    assert russian["count"] == len(on_sale(stock))  # not the sold, the withdrawn, the mats
    everything = api_client.get(FACETS_URL, {"in_stock": "false"}).json()
    assert everything["count"] == len([c for c in stock if c.is_active and not c.stock_quantity])


def test_facets_take_two_queries(api_client, stock):
    with CaptureQueriesContext(connections["catalog"]) as queries:
        response = api_client.get(FACETS_URL, {"fuel": "petrol", "color": "white"})

    assert response.status_code == 200
    assert len(queries.captured_queries) == 2, queries.captured_queries


@pytest.mark.parametrize(
    ("params", "named"),
    [({"colour": "red"}, "colour"), ({"body_type": "spaceship"}, "body_type")],
)
def test_facets_refuse_an_unknown_parameter_or_value(api_client, stock, params, named):
    response = api_client.get(FACETS_URL, params)

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {named}


# SEARCH
# ------------------------------------------------------------------------------
@pytest.fixture
def camry_and_others():
    category = CategoryFactory()
    made = {}
    for name, make, model, wmi, description in [
        ("Toyota Camry 2.5", "Toyota", "Camry", "JTN", "Седан бизнес-класса"),
        ("Kia K5", "Kia", "K5", "KNA", "Просторный седан"),
        ("Haval F7", "Haval", "F7", "LGW", "Кроссовер, не хуже, чем Kia Sportage"),
    ]:
        made[model] = services.product_create(
            name=name,
            description=description,
            price=Decimal("3000000.00"),
            category=category,
            stock_quantity=1,
            make=make,
            model=model,
            year=2024,
            vin=vin_of(wmi, "R", (len(made) + 1) * 111111),
        )
    return made


@pytest.mark.parametrize("query", ["Camry", "камри", "Camri", "кАмРи", "toyota camry", "тойота"])
def test_the_search_finds_the_camry_by_typo_and_transliteration(
    api_client, camry_and_others, query
):
    assert listed(api_client, search=query) == {str(camry_and_others["Camry"].pk)}


def test_the_search_finds_a_car_by_five_or_more_characters_of_its_vin(api_client, camry_and_others):
    camry = camry_and_others["Camry"]

    assert listed(api_client, search=camry.vin[-6:]) == {str(camry.pk)}
    assert listed(api_client, search=camry.vin[-8:].lower()) == {str(camry.pk)}
    assert listed(api_client, search=camry.vin[-4:]) == set()  # four are too few


def test_a_make_match_ranks_above_a_description_match(api_client, camry_and_others):
    response = api_client.get(LIST_URL, {"search": "Kia"})

    rows = response.json()["results"]
    assert [row["model"] for row in rows] == ["K5", "F7"]  # the F7's description names Kia


def test_the_search_vector_is_kept_with_the_product(camry_and_others):
    kia = camry_and_others["K5"]
    services.product_update(product=kia, model="K8", name="Kia K8")

    stored = Product.objects.values_list("search_vector", "search_key").get(pk=kia.pk)
    assert "'k8'" in stored[0] and "k5" not in stored[0]
    assert stored[1] == "kia k8 kia k8"


# COMPARE
# ------------------------------------------------------------------------------
def test_compare_shows_up_to_four_cars_side_by_side_with_the_differences_marked(api_client, stock):
    chosen = on_sale(stock)[:3]

    response = api_client.get(COMPARE_URL, {"ids": ",".join(str(car.pk) for car in chosen)})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [row["id"] for row in body["vehicles"]] == [str(car.pk) for car in chosen]
    rows = {row["field"]: row for row in body["specifications"]}
    for field in ("make", "body_type", "transmission", "condition"):
        values = [getattr(car, field) for car in chosen]
        assert rows[field]["values"] == values
        assert rows[field]["differs"] == (len(set(values)) > 1)
    assert rows["price"]["values"] == [f"{car.price:.2f}" for car in chosen]


@pytest.mark.parametrize("how_many", [0, 5])
def test_compare_takes_one_to_four_cars(api_client, stock, how_many):
    chosen = ",".join(str(car.pk) for car in on_sale(stock)[:how_many])

    response = api_client.get(COMPARE_URL, {"ids": chosen})

    assert response.status_code == 400
    assert "ids" in response.json()["error"]["details"]


def test_compare_names_the_ids_of_no_vehicle_on_sale(api_client, stock):
    withdrawn = stock[11]
    asked = [str(on_sale(stock)[0].pk), str(withdrawn.pk)]

    response = api_client.get(COMPARE_URL, {"ids": ",".join(asked)})
    malformed = api_client.get(COMPARE_URL, {"ids": "not-a-uuid"})

    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"ids": [str(withdrawn.pk)]}
    assert malformed.status_code == 400
