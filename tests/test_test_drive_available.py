"""A vehicle says whether it can be test-driven (`test_drive_available`): the catalog learns
of the showroom's demo cars from its `resource.*` events, never by reading the showroom."""

from datetime import time

import pytest

from catalog.models import DemoCar, Product
from common.events import delivery, registry, types
from orders.tests.factories import vehicle_make
from showroom import services as showroom_services

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
