"""The classifieds' feeds of the demo stock (docs/feeds.md), as `make run` seeds them: each is
well-formed XML, every car in them carries each element docs/feeds.md lists for its format,
and every car on sale that is not in them is listed with its reasons."""

import xml.etree.ElementTree as ET

import pytest

from catalog.selectors.feeds import feed_vehicles
from integrations import services
from integrations.choices import Misfit
from integrations.feeds import autoru, avito, yandex
from integrations.models import Feed

# The demo as seeded once (conftest.py, `demo_data`).
pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.xdist_group("demo_data")]

FORMATS = {
    "avito": (avito, "Ad", "Id"),
    "autoru": (autoru, "cars/car", "unique_id"),
    "yandex": (yandex, "cars/car", "unique_id"),
}


@pytest.mark.parametrize("kind", FORMATS)
def test_the_demo_stocks_feed_is_complete_and_names_what_it_leaves_out(demo_data, kind):
    format, path, id_field = FORMATS[kind]
    feed = Feed.objects.get(kind=kind, showroom_id=None)  # the demo's own

    feed = services.feed_generate(feed_id=feed.pk)

    with services.feed_storage().open(feed.file, "rb") as file:
        cars = ET.fromstring(file.read()).findall(path)
    on_sale = {str(car.id): car.condition for car in feed_vehicles()}
    assert len(cars) == feed.published_count >= 10
    for car in cars:
        missing = [name for name in format.REQUIRED if car.find(name) is None]
        assert missing == [], (kind, missing)
        if on_sale[car.findtext(id_field)] == "used":
            assert [name for name in format.REQUIRED_USED if car.find(name) is None] == []
    left_out = {car["id"] for car in feed.excluded}
    assert feed.published_count + len(left_out) == len(on_sale)
    assert left_out <= set(on_sale)
    assert all(
        car["reasons"] and set(car["reasons"]) <= set(Misfit.values) for car in feed.excluded
    )


def test_the_demos_credit_discount_is_in_autorus_feed_for_the_new_cars_it_holds_for(demo_data):
    """The demo's discount (financing/demo.py: 100,000 ₽ off a new car, a loan of at least
    500,000 ₽ left) reaches integrations by its event, and the feed states it."""
    feed = services.feed_generate(feed_id=Feed.objects.get(kind="autoru", showroom_id=None).pk)

    with services.feed_storage().open(feed.file, "rb") as file:
        cars = ET.fromstring(file.read()).findall("cars/car")
    on_sale = {str(car.id): car for car in feed_vehicles()}
    stated = {car.findtext("unique_id"): car.findtext("credit_discount") for car in cars}
    expected = {
        car_id: "100000"
        if on_sale[car_id].condition == "new" and on_sale[car_id].price >= 600000
        else None
        for car_id in stated
    }
    assert stated == expected
    assert "100000" in stated.values() and None in stated.values()  # new cars and used ones
