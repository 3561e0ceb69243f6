"""The classifieds' feeds of the demo stock (docs/feeds.md), as `make run` seeds them: both are
well-formed XML, every car in them carries each element docs/feeds.md lists for its format,
and every car on sale that is not in them is listed with its reasons."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage

from catalog.selectors.feeds import feed_vehicles
from integrations import services
from integrations.choices import Misfit
from integrations.feeds import autoru, avito
from integrations.models import Feed

# The demo as seeded once (conftest.py, `demo_data`).
pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.xdist_group("demo_data")]

FORMATS = {"avito": (avito, "Ad", "Id"), "autoru": (autoru, "cars/car", "unique_id")}


@pytest.mark.parametrize("kind", FORMATS)
def test_the_demo_stocks_feed_is_complete_and_names_what_it_leaves_out(demo_data, kind):
    format, path, id_field = FORMATS[kind]
    feed = Feed.objects.get(kind=kind, showroom_id=None)  # the demo's own

    feed = services.feed_generate(feed_id=feed.pk)

    with default_storage.open(feed.file, "rb") as file:
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
