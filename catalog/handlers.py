"""The catalog's reactions to other domains' events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from catalog import services
from common.events import TypedEvent, consumer

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from orders.events import OrderCancelled
    from showroom.events import ShowroomCreated


@consumer("order.cancelled", name="catalog.release_stock_of_cancelled_order", app_label="catalog")
def release_stock_of_cancelled_order(event: TypedEvent[OrderCancelled]) -> None:
    services.stock_release(order_id=UUID(event.aggregate_id))


@consumer(
    "resource.created", name="catalog.note_demo_car_created", app_label="catalog", reads_json=True
)
@consumer(
    "resource.updated", name="catalog.note_demo_car_updated", app_label="catalog", reads_json=True
)
@consumer(
    "resource.deleted", name="catalog.note_demo_car_deleted", app_label="catalog", reads_json=True
)
def note_demo_car(event: TypedEvent[Any]) -> None:
    """Whether a vehicle can be test-driven: the showroom's demo cars, as its events report
    them (a deleted resource is a demo car no more)."""
    report = event.payload
    deleted = event.type == "resource.deleted"
    services.demo_car_note(
        resource_id=report["id"],
        vehicle_id=None if deleted else report.get("vehicle_id"),
        is_active=bool(report.get("is_active")) and not deleted,
    )


@consumer("showroom.created", name="catalog.note_showroom_created", app_label="catalog")
@consumer("showroom.updated", name="catalog.note_showroom_updated", app_label="catalog")
def note_showroom(event: TypedEvent[ShowroomCreated]) -> None:
    """The group's showrooms, where the catalog's cars stand (docs/showrooms.md)."""
    showroom = event.payload
    services.location_note(
        showroom_id=showroom.id,
        name=showroom.name,
        city=showroom.city,
        address=showroom.address,
        phone=showroom.phone,
        is_active=showroom.is_active,
    )
