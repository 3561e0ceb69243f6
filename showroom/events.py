"""Events the showroom emits (docs/events.md)."""

from common.events import DomainEvent
from showroom.models import Allocation, Event, Registration, Resource, TestDrive

EVENT_CREATED = DomainEvent("event.created", app_label="showroom")
EVENT_UPDATED = DomainEvent("event.updated", app_label="showroom")
EVENT_CANCELLED = DomainEvent("event.cancelled", app_label="showroom")
REGISTRATION_CREATED = DomainEvent("event.registration.created", app_label="showroom")
REGISTRATION_CANCELLED = DomainEvent("event.registration.cancelled", app_label="showroom")
REGISTRATION_CHANGED = DomainEvent("event.registration.status_changed", app_label="showroom")
RESOURCE_CREATED = DomainEvent("resource.created", app_label="showroom")
RESOURCE_UPDATED = DomainEvent("resource.updated", app_label="showroom")
RESOURCE_DELETED = DomainEvent("resource.deleted", app_label="showroom")
RESOURCE_ALLOCATED = DomainEvent("resource.allocated", app_label="showroom")
RESOURCE_RELEASED = DomainEvent("resource.released", app_label="showroom")
TEST_DRIVE_BOOKED = DomainEvent("test_drive.booked", app_label="showroom")
TEST_DRIVE_RESCHEDULED = DomainEvent("test_drive.rescheduled", app_label="showroom")
TEST_DRIVE_CANCELLED = DomainEvent("test_drive.cancelled", app_label="showroom")
# Staff recorded how a drive went: completed or no_show (the live feed's push has this name).
TEST_DRIVE_STATUS_CHANGED = DomainEvent("test_drive.status_changed", app_label="showroom")


def event_payload(event: Event) -> dict:
    return {
        "id": str(event.pk),
        "title": event.title,
        "status": event.status,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "capacity": event.capacity,
        "price": None if event.price is None else str(event.price),
        "currency": event.currency,
        "category_id": str(event.category_id) if event.category_id else None,
    }


def registration_payload(registration: Registration) -> dict:
    """`amount` is the seat's price at a paid event (payments takes it from here), or None."""
    event = registration.event
    return {
        "id": str(registration.pk),
        "event_id": str(registration.event_id),
        "event_title": event.title,
        "user_id": str(registration.user_id),
        "status": registration.status,
        "position": registration.position,
        "amount": None if event.price is None else str(event.price),
        "currency": event.currency,
    }


def resource_payload(resource: Resource) -> dict:
    return {
        "id": str(resource.pk),
        "name": resource.name,
        "type_id": str(resource.type_id),
        "quantity": resource.quantity,
        "opens_at": resource.opens_at.isoformat(),
        "closes_at": resource.closes_at.isoformat(),
        "vehicle_id": str(resource.vehicle_id) if resource.vehicle_id else None,
        "is_active": resource.is_active,
    }


def allocation_payload(allocation: Allocation) -> dict:
    return {
        "id": str(allocation.pk),
        "resource_id": str(allocation.resource_id),
        "start_time": allocation.start_time.isoformat(),
        "end_time": allocation.end_time.isoformat(),
        "quantity": allocation.quantity,
        "status": allocation.status,
        "event_id": str(allocation.event_id) if allocation.event_id else None,
        "registration_id": str(allocation.registration_id) if allocation.registration_id else None,
    }


def test_drive_payload(test_drive: TestDrive) -> dict:
    return {
        "id": str(test_drive.pk),
        "user_id": str(test_drive.user_id),
        "vehicle_id": str(test_drive.resource.vehicle_id),
        "resource_id": str(test_drive.resource_id),
        "start_time": test_drive.start_time.isoformat(),
        "end_time": test_drive.end_time.isoformat(),
        "status": test_drive.status,
    }
