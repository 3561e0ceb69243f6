"""Reads of the showroom, scoped to who asks: clients see published events, and only their
own registrations, allocations and test drives (anyone else's is a 404, like a missing one)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from common.api.exceptions import NotFound
from common.showrooms import showroom_scope, visible_to
from common.types import Actor, Id
from showroom import events
from showroom.choices import SEAT_HOLDING, EventStatus, RegistrationStatus, TestDriveStatus
from showroom.models import (
    Allocation,
    Event,
    EventCategory,
    Registration,
    Resource,
    ResourceType,
    TestDrive,
)

_M = TypeVar("_M", bound=Model)


def _visible(queryset: QuerySet[_M], pk: Id) -> _M:
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound
    return row


def category_list() -> QuerySet[EventCategory]:
    return EventCategory.objects.all()


def event_list(*, user: Actor | AnonymousUser | None) -> QuerySet[Event]:
    events = Event.objects.select_related("category").annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING))
    )
    if user is None or not user.is_staff:
        events = events.filter(status=EventStatus.PUBLISHED)
    return events.order_by("start_date", "id")  # the count drops the default ordering


def events_upcoming(*, user: Actor | AnonymousUser | None, limit: int) -> QuerySet[Event]:
    """The next events that have not begun, soonest first."""
    return event_list(user=user).filter(start_date__gt=timezone.now())[:limit]


def event_get(*, user: Actor | AnonymousUser | None, event_id: Id) -> Event:
    return _visible(event_list(user=user), event_id)


def registration_list(*, user: Actor) -> QuerySet[Registration]:
    registrations = Registration.objects.select_related("event")
    return registrations if user.is_staff else registrations.filter(user_id=user.pk)


def registration_get(*, user: Actor, registration_id: Id) -> Registration:
    return _visible(registration_list(user=user), registration_id)


def event_registrations(*, event_id: Id) -> QuerySet[Registration]:
    return Registration.objects.filter(event_id=event_id).order_by("position")


def resource_type_list() -> QuerySet[ResourceType]:
    return ResourceType.objects.all()


def resource_list(*, user: Actor) -> QuerySet[Resource]:
    """The active resources; staff see the deactivated ones too, a showroom's manager those
    of their showrooms (common.showrooms). Deleted ones are gone."""
    resources = Resource.objects.select_related("type").filter(deleted_at__isnull=True)
    if not user.is_staff:
        return resources.filter(is_active=True)
    scope = showroom_scope(user)
    return resources if scope is None else resources.filter(showroom_id__in=scope)


def resource_get(*, user: Actor, resource_id: Id) -> Resource:
    return _visible(resource_list(user=user), resource_id)


def allocation_list(*, user: Actor) -> QuerySet[Allocation]:
    allocations = Allocation.objects.select_related("resource")
    # The bookings of a showroom's resources are its staff's (docs/showrooms.md).
    return visible_to(user, allocations, owner="created_by_id", showroom="resource__showroom_id")


def allocation_get(*, user: Actor, allocation_id: Id) -> Allocation:
    return _visible(allocation_list(user=user), allocation_id)


def test_drive_list(*, user: Actor) -> QuerySet[TestDrive]:
    drives = TestDrive.objects.select_related("resource")
    # A demo car's test drives are its showroom's (docs/showrooms.md, "Staff per showroom").
    return visible_to(user, drives, owner="user_id", showroom="resource__showroom_id")


def test_drive_get(*, user: Actor, test_drive_id: Id) -> TestDrive:
    return _visible(test_drive_list(user=user), test_drive_id)


def registration_payable_report(registration_id: str) -> dict[str, Any] | None:
    """The registration as its events report it, for payments when a seat is paid before
    that event arrives (common/payables.py)."""
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    return None if registration is None else events.registration_payload(registration)


@dataclass(frozen=True)
class Appointment:
    """A visit a customer booked (a test drive, a seat at an event), as notifications tell
    them of it: `kind` is test_drive or seat, `title` the car or the event."""

    kind: str
    id: UUID
    user_id: UUID
    title: str
    starts_at: datetime
    # Where to come: the demo car's showroom, its address and phone; an event's location.
    place: str = ""


def _place(name: str | None, city: str | None, address: str | None, phone: str | None) -> str:
    return ", ".join(part for part in (name, city, address, phone) if part)


def _test_drive_appointments(test_drives: QuerySet[TestDrive]) -> list[Appointment]:
    rows = test_drives.values_list(
        "pk",
        "user_id",
        "resource__name",
        "start_time",
        "resource__showroom__name",
        "resource__showroom__city",
        "resource__showroom__address",
        "resource__showroom__phone",
    )
    return [Appointment("test_drive", *row[:4], place=_place(*row[4:])) for row in rows]


def _seat_appointments(registrations: QuerySet[Registration]) -> list[Appointment]:
    rows = registrations.values_list(
        "pk", "user_id", "event__title", "event__start_date", "event__location"
    )
    return [Appointment("seat", *row) for row in rows]


def test_drive_appointment(*, test_drive_id: Id) -> Appointment | None:
    return next(iter(_test_drive_appointments(TestDrive.objects.filter(pk=test_drive_id))), None)


def seat_appointment(*, registration_id: Id) -> Appointment | None:
    registrations = Registration.objects.filter(pk=registration_id)
    return next(iter(_seat_appointments(registrations)), None)


def appointments_starting(*, after: datetime, until: datetime) -> list[Appointment]:
    """The booked test drives and confirmed seats that start in (after, until]."""
    test_drives = TestDrive.objects.filter(
        status=TestDriveStatus.BOOKED, start_time__gt=after, start_time__lte=until
    )
    seats = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        event__start_date__gt=after,
        event__start_date__lte=until,
    )
    return _test_drive_appointments(test_drives) + _seat_appointments(seats)
