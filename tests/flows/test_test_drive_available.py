"""A vehicle says whether it can be test-driven (`test_drive_available`): the catalog learns
of the showroom's demo cars from its `resource.*` events, never by reading the showroom."""

import importlib
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections

from catalog import selectors as catalog
from catalog.models import DemoCar, Product
from common.events import delivery, registry, types
from orders.tests.factories import vehicle_make
from showroom import services as showroom_services
from showroom.tests.factories import resource_make, tomorrow_at

pytestmark = pytest.mark.django_db(databases="__all__")


def deliver_resource_events() -> None:
    """Every `resource.*` event the showroom has emitted, to the catalog's consumers, in
    order (as the relay would), once each."""
    rows = (
        registry.outbox_model("showroom")
        ._default_manager.filter(type__startswith="resource.")
        .exclude(type__in=["resource.allocated", "resource.released"])
        .order_by("occurred_at")
    )
    for row in rows:
        consumer = "catalog.note_demo_car_" + row.type.split(".")[1]
        delivery.deliver(consumer, types.event_from_outbox_row(row, "showroom").as_dict())


def shown(client, product) -> bool:
    return client.get(f"/api/v1/catalog/products/{product.pk}/").json()["test_drive_available"]


def test_a_vehicle_with_a_demo_car_can_be_test_driven_until_the_car_goes(client):
    camry, vesta = vehicle_make(make="Toyota", model="Camry"), vehicle_make()
    kind = showroom_services.resource_type_create(name="Demo vehicle")
    demo = showroom_services.resource_create(
        name="Demo Camry",
        type_id=kind.pk,
        quantity=1,
        opens_at=time(8),
        closes_at=time(20),
        vehicle_id=camry.pk,
    )
    assert not shown(client, camry)  # not before the showroom's event arrives

    deliver_resource_events()

    assert shown(client, camry) and not shown(client, vesta)
    assert DemoCar.objects.get().product_id == camry.pk

    # The demo car moved to another vehicle: the first one can no longer be test-driven.
    showroom_services.resource_update(resource_id=demo.pk, vehicle_id=vesta.pk)
    deliver_resource_events()
    assert Product.objects.get(pk=vesta.pk).test_drive_available
    assert not Product.objects.get(pk=camry.pk).test_drive_available

    showroom_services.resource_delete(resource_id=demo.pk)
    deliver_resource_events()
    assert not Product.objects.filter(test_drive_available=True).exists()
    assert not DemoCar.objects.exists()


def test_demo_cars_from_before_the_catalog_listened_are_announced_by_a_migration(client):
    """Demo cars made before the catalog consumed `resource.*` events: showroom's migration
    0008 announces each live one once, and their vehicles become test-drivable."""
    camry, vesta, lada = (vehicle_make(model=name) for name in ("Camry", "Vesta", "Niva"))
    kind = showroom_services.resource_type_create(name="Demo vehicle")

    def resource(name, vehicle_id):
        return showroom_services.resource_create(
            name=name,
            type_id=kind.pk,
            quantity=1,
            opens_at=time(8),
            closes_at=time(20),
            vehicle_id=vehicle_id,
        )

    resource("Demo Camry", camry.pk)
    resource("Bay 1", None)
    gone = resource("Demo Vesta", vesta.pk)
    showroom_services.resource_delete(resource_id=gone.pk)
    resource("Demo Niva", lada.pk)
    # Their events were emitted before any consumer of them existed: none reached the catalog.
    registry.outbox_model("showroom")._default_manager.filter(type__startswith="resource.").delete()

    migration = importlib.import_module("showroom.migrations.0008_demo_cars_announced")
    migration.demo_cars_announced(apps, SimpleNamespace(connection=connections["showroom"]))
    announced = registry.outbox_model("showroom")._default_manager.filter(type="resource.updated")
    assert sorted(row.payload["name"] for row in announced) == ["Demo Camry", "Demo Niva"]

    deliver_resource_events()

    assert shown(client, camry) and shown(client, lada)
    assert not shown(client, vesta)


# A buyer test-drives a model: the flag and the booking read the same demo cars.
def test_every_car_flagged_for_a_test_drive_books_its_models_demo_car(customer):
    demo, on_the_lot = (vehicle_make(make="Kia", model="K5", trim="Prestige") for _ in range(2))
    other = vehicle_make(make="Haval", model="Jolion", trim="Elite")
    demo_car = resource_make(name="Demo K5", vehicle_id=demo.pk)
    deliver_resource_events()

    flagged = {car.pk: catalog.product_get(product_id=car.pk).test_drive_available
               for car in (demo, on_the_lot, other)}  # fmt: skip
    slots = showroom_services.test_drive_slots_free(
        vehicle_id=on_the_lot.pk, day=tomorrow_at(10).date()
    )
    drive = showroom_services.test_drive_book(
        user=customer, vehicle_id=on_the_lot.pk, start_time=tomorrow_at(10),
        end_time=tomorrow_at(10) + timedelta(hours=1),
    )  # fmt: skip

    assert flagged == {demo.pk: True, on_the_lot.pk: True, other.pk: False}
    assert slots and drive.resource_id == demo_car.pk
    with pytest.raises(Exception, match="no demo car"):
        showroom_services.test_drive_slots_free(vehicle_id=other.pk, day=tomorrow_at(10).date())
