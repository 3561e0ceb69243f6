"""Events the showroom emits (docs/events.md)."""

from dataclasses import dataclass
from typing import Annotated, Literal

from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    DateTime,
    DecimalString,
    Money,
    NonEmpty,
    Schema,
    TimeOfDay,
    Uuid,
    described,
)
from showroom.models import Allocation, Event, Registration, Resource, Showroom, TestDrive


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _EventPayload:
    """The fields every event payload below carries, in order."""

    id: Uuid = described("The showroom event.")
    title: NonEmpty = described("The event's title.")
    status: str = described("Each type below declares its own.")
    start_date: DateTime = described("When the event starts (a date and time).")
    end_date: DateTime = described("When the event ends (a date and time).")
    capacity: Annotated[int, Schema(minimum=0)] = described("How many seats it has.")
    price: DecimalString | None = described(
        "The price of a seat, a decimal amount as a string, or null for a free event."
    )
    currency: Currency = described("ISO 4217 code of the price's currency, e.g. RUB.")
    category_id: Uuid | None = described("The event's category, or null.")


@dataclass(frozen=True)
class EventCreated(_EventPayload):
    """Staff created a showroom event, as a draft or published at once."""

    status: Literal["draft", "published", "cancelled"] = described("The event's status.")


@dataclass(frozen=True)
class EventUpdated(_EventPayload):
    """A showroom event's details changed, or it was published or finished."""

    status: Literal["draft", "published", "finished"] = described("The event's status.")


@dataclass(frozen=True)
class EventCancelled(_EventPayload):
    """A showroom event was cancelled; its registrations are cancelled and its resources
    released."""

    status: Literal["cancelled"] = described("The event's status: cancelled.")


@dataclass(frozen=True)
class _EventRegistrationPayload:
    """The fields every event registration payload below carries, in order."""

    id: Uuid = described("The registration.")
    event_id: Uuid = described("The showroom event.")
    event_title: NonEmpty = described("The event's title.")
    user_id: Uuid = described("The registered person's user account.")
    status: str = described("Each type below declares its own.")
    position: Annotated[int, Schema(minimum=1)] = described(
        "The registration's place in the order of registering (and on the waitlist)."
    )
    amount: Money | None = described(
        "The seat's price at a paid event, a decimal amount as a string; null at a free event."
    )
    currency: Currency = described("ISO 4217 code of the event's currency, e.g. RUB.")


@dataclass(frozen=True)
class EventRegistrationCreated(_EventRegistrationPayload):
    """Someone registered for a showroom event: a seat confirmed, held for payment, or a
    place on the waitlist."""

    status: Literal["confirmed", "pending_payment", "waitlisted"] = described(
        "The registration's status."
    )


@dataclass(frozen=True)
class EventRegistrationCancelled(_EventRegistrationPayload):
    """A registration was cancelled, by its owner, by staff, or with its event."""

    status: Literal["cancelled"] = described("The registration's status: cancelled.")


@dataclass(frozen=True)
class EventRegistrationStatusChanged(_EventRegistrationPayload):
    """A registration changed status: confirmed once paid, given a seat from the waitlist,
    or expired unpaid."""

    status: Literal["confirmed", "pending_payment", "expired"] = described(
        "The registration's new status."
    )


@dataclass(frozen=True)
class _ShowroomPayload:
    """The fields every showroom payload below carries, in order."""

    id: Uuid = described("The showroom.")
    name: NonEmpty = described("Its name, as the site shows it.")
    city: NonEmpty = described("The city it stands in.")
    address: str = described("Its address in the city.")
    phone: str = described("Its sales phone, as buyers dial it.")
    time_zone: NonEmpty = described("Its clock, an IANA time zone: Europe/Moscow.")
    legal_entity_id: int | None = described(
        "The id of the legal entity that sells from it (documents'), or null for the default one."
    )
    is_active: bool = described("Whether it is open to buyers (shown on the site).")


@dataclass(frozen=True)
class ShowroomCreated(_ShowroomPayload):
    """A showroom of the dealer group was added."""


@dataclass(frozen=True)
class ShowroomUpdated(_ShowroomPayload):
    """A showroom's details changed: its name, city, address, phone, clock or legal entity,
    or it was closed to buyers (`is_active` false) or opened again."""


@dataclass(frozen=True)
class _ResourcePayload:
    """The fields every resource payload below carries, in order."""

    id: Uuid = described("The resource.")
    name: str = described("Its name.")
    type_id: Uuid = described("Its resource type.")
    quantity: Annotated[int, Schema(minimum=1)] = described("How many of it can be booked at once.")
    opens_at: TimeOfDay = described(
        "When it can be booked from each day, a time of day on its showroom's clock (the "
        "dealership's time zone for one in no showroom)."
    )
    closes_at: TimeOfDay = described(
        "When bookings end each day, on its showroom's clock (the dealership's time zone for "
        "one in no showroom)."
    )
    vehicle_id: Uuid | None = described("The catalog product it is the demo car of, or null.")
    is_active: bool = described("Whether it takes new bookings.")


@dataclass(frozen=True)
class ResourceCreated(_ResourcePayload):
    """A showroom resource (a demo car, a bay, a room) was added."""


@dataclass(frozen=True)
class ResourceUpdated(_ResourcePayload):
    """A showroom resource was changed: its details, or deactivated (`is_active` false) or
    activated again."""


@dataclass(frozen=True)
class ResourceDeleted(_ResourcePayload):
    """A showroom resource was deleted: it takes no booking and is gone from the API; its
    past bookings keep it."""

    is_active: Literal[False] = described(
        "Whether it takes new bookings (always false once deleted)."
    )


@dataclass(frozen=True)
class _AllocationPayload:
    """The fields every allocation payload below carries, in order."""

    id: Uuid = described("The allocation.")
    resource_id: Uuid = described("The showroom resource booked.")
    start_time: DateTime = described("When the booking starts.")
    end_time: DateTime = described("When the booking ends.")
    quantity: Annotated[int, Schema(minimum=1)] = described(
        "How many units of the resource are booked."
    )
    status: str = described("Each type below declares its own.")
    event_id: Uuid | None = described("The showroom event it is for, or null.")
    registration_id: Uuid | None = described("The registration it is for, or null.")


@dataclass(frozen=True)
class ResourceAllocated(_AllocationPayload):
    """A showroom resource (a room, a demo car) was booked for a time slot."""

    status: Literal["active"] = described("The allocation's status: active.")


@dataclass(frozen=True)
class ResourceReleased(_AllocationPayload):
    """A booking of a showroom resource was released and its slot freed."""

    status: Literal["released"] = described("The allocation's status: released.")


@dataclass(frozen=True)
class _TestDrivePayload:
    """The fields every test drive payload below carries, in order."""

    id: Uuid = described("The test drive.")
    user_id: Uuid = described("The driver's user account.")
    vehicle_id: Uuid = described("The catalog product (vehicle) driven.")
    resource_id: Uuid = described("The demo car resource booked.")
    start_time: DateTime = described("When the test drive starts.")
    end_time: DateTime = described("When the test drive ends.")
    status: str = described("Each type below declares its own.")


@dataclass(frozen=True)
class TestDriveBooked(_TestDrivePayload):
    """A customer booked a test drive of a vehicle's demo car."""

    status: Literal["booked"] = described("The test drive's status: booked.")


@dataclass(frozen=True)
class TestDriveRescheduled(_TestDrivePayload):
    """A booked test drive moved to another time slot."""

    status: Literal["booked"] = described("The test drive's status: booked.")


@dataclass(frozen=True)
class TestDriveCancelled(_TestDrivePayload):
    """A booked test drive was cancelled and its slot freed."""

    status: Literal["cancelled"] = described("The test drive's status: cancelled.")


@dataclass(frozen=True)
class TestDriveStatusChanged(_TestDrivePayload):
    """Staff recorded how a started test drive went: completed, or the customer did not
    come."""

    status: Literal["completed", "no_show"] = described(
        "The test drive's new status: completed or no_show."
    )


# EVENT TYPES
# ------------------------------------------------------------------------------
EVENT_CREATED = DomainEvent("event.created", payload=EventCreated, app_label="showroom")
EVENT_UPDATED = DomainEvent("event.updated", payload=EventUpdated, app_label="showroom")
EVENT_CANCELLED = DomainEvent("event.cancelled", payload=EventCancelled, app_label="showroom")
REGISTRATION_CREATED = DomainEvent(
    "event.registration.created", payload=EventRegistrationCreated, app_label="showroom"
)
REGISTRATION_CANCELLED = DomainEvent(
    "event.registration.cancelled", payload=EventRegistrationCancelled, app_label="showroom"
)
REGISTRATION_CHANGED = DomainEvent(
    "event.registration.status_changed",
    payload=EventRegistrationStatusChanged,
    app_label="showroom",
)
# Named `showroom_place.*` at version 1, before the rule that a record named like its app may
# be an event's subject; partners receive the former name too for version 2 (docs/events.md,
# "Names").
SHOWROOM_CREATED = DomainEvent(
    "showroom.created",
    payload=ShowroomCreated,
    app_label="showroom",
    schema_version=2,
    formerly="showroom_place.created",
)
SHOWROOM_UPDATED = DomainEvent(
    "showroom.updated",
    payload=ShowroomUpdated,
    app_label="showroom",
    schema_version=2,
    formerly="showroom_place.updated",
)
RESOURCE_CREATED = DomainEvent("resource.created", payload=ResourceCreated, app_label="showroom")
RESOURCE_UPDATED = DomainEvent("resource.updated", payload=ResourceUpdated, app_label="showroom")
RESOURCE_DELETED = DomainEvent("resource.deleted", payload=ResourceDeleted, app_label="showroom")
RESOURCE_ALLOCATED = DomainEvent(
    "resource.allocated", payload=ResourceAllocated, app_label="showroom"
)
RESOURCE_RELEASED = DomainEvent("resource.released", payload=ResourceReleased, app_label="showroom")
TEST_DRIVE_BOOKED = DomainEvent("test_drive.booked", payload=TestDriveBooked, app_label="showroom")
TEST_DRIVE_RESCHEDULED = DomainEvent(
    "test_drive.rescheduled", payload=TestDriveRescheduled, app_label="showroom"
)
TEST_DRIVE_CANCELLED = DomainEvent(
    "test_drive.cancelled", payload=TestDriveCancelled, app_label="showroom"
)
# Staff recorded how a drive went: completed or no_show (the live feed's push has this name).
TEST_DRIVE_STATUS_CHANGED = DomainEvent(
    "test_drive.status_changed", payload=TestDriveStatusChanged, app_label="showroom"
)


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


def showroom_payload(showroom: Showroom) -> dict:
    return {
        "id": str(showroom.pk),
        "name": showroom.name,
        "city": showroom.city,
        "address": showroom.address,
        "phone": showroom.phone,
        "time_zone": showroom.time_zone,
        "legal_entity_id": showroom.legal_entity_id,
        "is_active": showroom.is_active,
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
