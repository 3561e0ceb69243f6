"""One car, one VIN: a vehicle is a single unit with its own specification, checked against
what its VIN says; a car whose VIN is still to be entered cannot be ordered."""

from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog import services
from catalog.models import Product
from catalog.selectors import dashboard as figures
from catalog.tests.factories import CategoryFactory, ProductFactory, vehicle, vin_of
from common.api.exceptions import ApplicationError

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

LIST_URL = reverse("products-list")


def refused(**fields) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        vehicle(**fields)
    return caught.value


# ONE CAR, ONE VIN
# ------------------------------------------------------------------------------
def test_a_product_with_a_vin_is_a_vehicle_of_one_unit_grouped_by_its_model():
    car = vehicle()
    twin = vehicle(vin=vin_of("KNA", "R", 2))

    assert (car.kind, car.stock_quantity, car.mileage_km) == ("vehicle", 1, 0)
    assert car.model_key == twin.model_key == "kia-k5-prestige"


def test_the_database_refuses_a_vehicle_of_more_than_one_unit():
    car = vehicle()

    with pytest.raises(IntegrityError), transaction.atomic(using="catalog"):
        Product.objects.filter(pk=car.pk).update(stock_quantity=2)

    assert Product.objects.get(pk=car.pk).stock_quantity == 1


def test_the_service_refuses_a_vehicle_of_several_units_naming_the_field():
    error = refused(stock_quantity=5)

    assert error.http_status == 400
    assert set(error.details) == {"stock_quantity"}
    assert not Product.objects.exists()


def test_accessories_keep_their_stock_counts():
    mats = services.product_create(
        name="Floor mats", price=Decimal("6500.00"), stock_quantity=80, category=CategoryFactory()
    )

    assert (mats.kind, mats.stock_quantity, mats.model_key) == ("accessory", 80, "")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"condition": "new", "mileage_km": 12000}, "mileage_km"),
        ({"condition": "new", "owners_count": 2}, "owners_count"),
        ({"fuel": "electric", "engine_volume": Decimal("2.0")}, "engine_volume"),
    ],
)
def test_a_specification_that_contradicts_itself_is_refused(fields, field):
    error = refused(**fields)

    assert (error.http_status, error.code) == (400, "validation_error")
    assert set(error.details) == {field}
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "said"),
    [
        ({"make": "Toyota"}, "make", "Kia"),  # KNA is Kia's
        ({"make": "Тойота"}, "make", "Kia"),  # in Cyrillic too
        ({"vin": vin_of("1G4", "R"), "make": "Buick", "year": 2019}, "year", "2024"),  # R: 2024
        ({"vin": vin_of("LVV", "S"), "make": "Chery", "year": 2018}, "year", "2025"),
    ],
)
def test_what_the_vin_contradicts_is_refused_naming_what_it_says(fields, field, said):
    error = refused(**fields)

    assert (error.http_status, error.code) == (400, "vin_contradiction")
    assert set(error.details) == {field}
    assert said in str(error.details[field][0])
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"vin": vin_of("1G4", "R"), "make": "Buick", "year": 2025},  # a year off: accepted
        {"vin": vin_of("XTA", "A"), "make": "Lada", "year": 2024},  # Russia: no year code
        {"vin": vin_of("ZZZ", "R"), "make": "Anything", "year": 2024},  # an unknown maker
        {"make": "mercedes benz", "vin": vin_of("WDD", "R")},  # the make, however written
        {"make": "Lexus", "vin": vin_of("JTH", "R")},  # one manufacturer, several makes
        {"vin": vin_of("XTA", "A"), "make": "Лада", "year": 2024},  # in Cyrillic, as buyers
        {"make": "Киа", "vin": vin_of("KNA", "R")},  # write it (the trade-in form)
        {"make": "Хёндэ", "vin": vin_of("KMH", "R")},
    ],
)
def test_what_the_vin_does_not_contradict_is_accepted(fields):
    car = vehicle(**fields)

    assert Product.objects.filter(pk=car.pk).exists()


def test_a_car_whose_vin_is_to_be_entered_cannot_be_ordered_until_it_is():
    car = vehicle(vin=None, kind="vehicle")
    assert car.vin_to_be_entered

    with pytest.raises(ApplicationError) as caught:
        services.stock_reserve(order_id=uuid4(), items={car.pk: 1})

    assert caught.value.details == {"product_ids": [str(car.pk)]}
    assert Product.objects.get(pk=car.pk).stock_quantity == 1  # nothing taken
    services.product_update(product=car, vin=vin_of("KNA", "R", 7))
    lines = services.stock_reserve(order_id=uuid4(), items={car.pk: 1})
    assert [(line.product_id, line.is_vehicle) for line in lines] == [(car.pk, True)]
    assert Product.objects.get(pk=car.pk).stock_quantity == 0


# THE API
# ------------------------------------------------------------------------------
def test_staff_create_a_vehicle_with_its_specification_and_read_it_back(manager_client):
    category = CategoryFactory()
    body = {
        "name": "Haval F7",
        "price": "2899000.00",
        "category": str(category.pk),
        "make": "Haval",
        "model": "F7",
        "trim": "Tech Plus",
        "year": 2024,
        "vin": vin_of("LGW", "R"),
        "stock_quantity": 1,
        "condition": "new",
        "body_type": "crossover",
        "fuel": "petrol",
        "engine_volume": "2.0",
        "power_hp": 190,
        "transmission": "robot",
        "drive": "awd",
        "color": "grey",
        "options": ["Подогрев руля", "Камера заднего вида"],
    }

    response = manager_client.post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.json()
    stored = Product.objects.get()
    assert (stored.kind, stored.body_type, stored.engine_volume) == (
        "vehicle",
        "crossover",
        Decimal("2.0"),
    )
    assert stored.options == ["Подогрев руля", "Камера заднего вида"]
    read = manager_client.get(reverse("products-detail", args=[stored.pk])).json()
    assert {key: read[key] for key in ("condition", "mileage_km", "transmission", "photos")} == {
        "condition": "new",
        "mileage_km": 0,
        "transmission": "robot",
        "photos": [],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body_type", "spaceship"),
        ("fuel", "coal"),
        ("engine_volume", "25.0"),
        ("power_hp", 0),
        ("mileage_km", -5),
        ("options", "not a list"),
        ("options", ["x" * 121]),
    ],
)
def test_a_specification_out_of_its_choices_or_range_is_a_400_naming_it(
    manager_client, field, value
):
    body = {
        "name": "Haval F7",
        "price": "2899000.00",
        "category": str(CategoryFactory().pk),
        "vin": vin_of("LGW", "R"),
        "stock_quantity": 1,
        field: value,
    }

    response = manager_client.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Product.objects.exists()


def test_the_vins_contradiction_reaches_the_api_in_the_envelope(manager_client):
    body = {
        "name": "Toyota Camry",
        "price": "3450000.00",
        "category": str(CategoryFactory().pk),
        "make": "Toyota",
        "vin": vin_of("KNA", "R"),
        "stock_quantity": 1,
    }

    response = manager_client.post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "vin_contradiction"
    assert "make" in response.json()["error"]["details"]
    assert not Product.objects.exists()


def test_a_factory_vehicle_is_one_unit_and_an_accessory_many():
    assert (ProductFactory(vin=vin_of("KNA", "R")).stock_quantity, ProductFactory().kind) == (
        1,
        "accessory",
    )


def test_a_model_of_cars_runs_low_by_how_many_of_its_cars_are_left():
    for serial in range(3):
        vehicle(vin=vin_of("KNA", "R", 100 + serial))  # three Kia K5: enough
    haval = [
        vehicle(make="Haval", model="F7", name="Haval F7", vin=vin_of("LGW", "R", 200 + serial))
        for serial in range(2)
    ]
    services.product_update(product=haval[0], stock_quantity=0)  # sold: one left
    mats = services.product_create(
        name="Floor mats", price=Decimal("6500.00"), stock_quantity=2, category=CategoryFactory()
    )

    rows = figures.low_stock(threshold=2)

    assert [(row["name"], row["model_key"], row["stock_quantity"]) for row in rows] == [
        ("Haval F7", "haval-f7-prestige", 1),
        ("Floor mats", "", 2),
    ]
    assert rows[1]["id"] == mats.pk
