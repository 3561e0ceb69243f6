"""The demo stock is worth browsing: over 120 cars of 12 makes or more, new and used, each
with its own valid VIN that agrees with its make and year, the same on every run."""

import random
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from catalog import demo, services
from catalog.models import ProductPhoto
from catalog.tests.factories import vehicle, vin_of
from catalog.validators import validate_vin
from catalog.vin_decode import vin_contradictions


def cars() -> list[tuple[demo.DemoModel, dict]]:
    return list(demo.units(random.Random(demo.SEED)))


def test_the_demo_stocks_over_120_cars_of_12_makes_new_and_used():
    stock = cars()

    assert len(stock) == demo.vehicle_count() >= 120
    assert len({model.make for model, _ in stock}) >= 12
    assert {car["condition"] for _, car in stock} == {"new", "used"}
    assert len({model.body_type for model, _ in stock}) >= 8
    assert len({model.fuel for model, _ in stock}) == 5


def test_every_demo_car_has_its_own_valid_vin_agreeing_with_its_make_and_year():
    stock = cars()
    vins = [car["vin"] for _, car in stock]

    assert len(set(vins)) == len(vins)
    for model, car in stock:
        validate_vin(car["vin"])
        assert vin_contradictions(car["vin"], make=model.make, year=car["year"]) == {}, model.name


def test_the_demo_is_the_same_on_every_run():
    assert cars() == cars()


def test_used_cars_have_mileage_and_owners_new_cars_none():
    for model, car in cars():
        if car["condition"] == "used":
            assert car["mileage_km"] > 0 and car["owners_count"] >= 1, model.name
        else:
            assert (car["mileage_km"], car["owners_count"]) == (0, None), model.name


@pytest.mark.django_db(databases=["default", "catalog"])
def test_each_demo_car_gets_three_to_six_drawn_pictures_sharing_files(run_on_commit):
    twins = [
        vehicle(vin=vin_of("KNA", "R", serial), body_type="sedan", color="red")
        for serial in range(2)
    ]
    other = vehicle(vin=vin_of("KNA", "R", 9), body_type="crossover", color="white")

    attached = demo.pictures_seed()
    again = demo.pictures_seed()

    photos = ProductPhoto.objects.order_by("product_id", "position")
    counts = {car.pk: photos.filter(product=car).count() for car in [*twins, other]}
    assert all(3 <= count <= 6 for count in counts.values())
    assert (attached, again) == (sum(counts.values()), 0)
    assert all(photo.alt.startswith("Иллюстрация, не фото") for photo in photos)
    first = [photos.filter(product=car).first() for car in twins]
    assert first[0].image.name == first[1].image.name  # the same body, colour and view
    assert first[0].is_primary and sorted(first[0].renditions) == ["card", "large", "thumb"]
    with default_storage.open(first[0].renditions["thumb"]["name"]) as stored:
        assert Image.open(stored).width == 320
    with run_on_commit():
        services.photo_delete(photo=first[0])
    assert default_storage.exists(first[1].image.name)  # the twin still shows it
    assert default_storage.exists(first[1].renditions["thumb"]["name"])


def test_the_demo_names_its_categories_and_accessories_in_russian():
    """A Russian dealership's own records read Russian (makes and models are names)."""

    def names(tree):
        for name, children in tree.items():
            yield name
            yield from names(children)

    written = [*names(demo.TREE), *(name for name, _price, _stock in demo.ACCESSORIES)]
    assert len(written) >= 14
    assert [
        name for name in written if re.search(r"[A-Za-z]{3,}", name) and "GPS" not in name
    ] == []
    assert all(re.search("[а-яё]", name) for name in written)
