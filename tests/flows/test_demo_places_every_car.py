"""The demo places every car in a showroom whatever the events' timing (docs/showrooms.md,
"Where each car is"): in services mode the relay carries `showroom.created` to the catalog
later, and in any order, than the seed goes on."""

from io import StringIO

import pytest

from catalog.models import Location, Product
from orders.tests.factories import vehicle_make
from showroom import demo
from showroom.models import Resource

pytestmark = pytest.mark.django_db(databases="__all__")


def test_every_car_stands_in_a_showroom_before_the_catalog_hears_of_them(settings):
    settings.EVENTS_PUBLISH_ON_COMMIT = False  # nothing reaches the catalog by an event
    cars = [vehicle_make(make=make, model="X") for make in ("Haval", "Geely", "Skoda", "Lada")]

    demo.seed(StringIO())

    names = {details["name"] for details in demo.SHOWROOMS}
    assert set(Location.objects.values_list("name", flat=True)) == names
    placed = dict(Product.objects.filter(pk__in=[c.pk for c in cars]).values_list("make", "city"))
    # Each in the showroom of its make's sign; the others in turn.
    assert placed["Haval"] == "Москва" and placed["Geely"] == "Москва"
    assert None not in Product.objects.filter(kind="vehicle").values_list("showroom_id", flat=True)
    demo_cars = Resource.objects.exclude(vehicle_id=None)
    assert all(resource.showroom_id for resource in demo_cars)


def test_a_later_run_places_a_car_left_nowhere(settings):
    settings.EVENTS_PUBLISH_ON_COMMIT = False
    demo.seed(StringIO())
    late = vehicle_make(make="Tank", model="300")  # stocked after the first run

    demo.seed(StringIO())

    assert Product.objects.get(pk=late.pk).showroom_id is not None
