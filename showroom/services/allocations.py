"""Allocations: a resource booked for a time, under the resource's row lock (its checks
against the resource's opening hours and quantity), and released."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.showrooms import scope_check
from common.types import Actor, Id
from showroom import events
from showroom.choices import ALLOCATION_TRANSITIONS, AllocationStatus
from showroom.error_codes import ShowroomErrorCode
from showroom.models import Allocation, Resource, TestDrive
from showroom.services.resources import _peak_use, _resource_locked

DB = "showroom"


def _dealership_zone() -> ZoneInfo:
    """Where opening hours and calendar days are read (`DEALERSHIP_TIME_ZONE`)."""
    return ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


class Window(NamedTuple):
    """When a resource can be booked on a day, and on which clock; `opens` None when not."""

    zone: ZoneInfo
    opens: time | None
    closes: time | None


def resource_zone(resource: Resource) -> ZoneInfo:
    """The clock a resource's hours are read on: its showroom's, else the dealership's."""
    showroom = resource.showroom
    return _dealership_zone() if showroom is None else ZoneInfo(showroom.time_zone)


def resource_window(resource: Resource, day: date) -> Window:
    """When `resource` can be booked on `day`: where it stands in a showroom, that showroom's
    hours that day within its own, both on the showroom's clock (docs/showrooms.md); else
    its own hours on the dealership's clock."""
    zone, showroom = resource_zone(resource), resource.showroom
    if showroom is None:
        return Window(zone, resource.opens_at, resource.closes_at)
    hours = showroom.hours_on(day)
    if hours is None:
        return Window(zone, None, None)
    opens, closes = max(hours[0], resource.opens_at), min(hours[1], resource.closes_at)
    return Window(zone, opens, closes) if opens < closes else Window(zone, None, None)


def _slot_check(resource: Resource, start: datetime, end: datetime, quantity: int) -> None:
    problems: list[str | Promise] = []
    if end <= start:
        problems.append(_("The end must come after the start."))
    if start < timezone.now():
        problems.append(_("The slot has begun already."))
    if quantity > resource.quantity:
        problems.append(
            _("%(name)s has %(quantity)d.") % {"name": resource.name, "quantity": resource.quantity}
        )
    # Opening hours are wall-clock times (`resource_window`), whatever zone the slot is in.
    zone = resource_zone(resource)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    window = resource_window(resource, local_start.date())
    opens, closes = window.opens, window.closes
    if opens is None or closes is None:
        if end > start:
            problems.append(
                _("%(name)s cannot be booked on that day (%(zone)s).")
                % {"name": resource.name, "zone": zone.key}
            )
    elif end > start and (
        local_start.date() != (local_end - timedelta(microseconds=1)).date()
        or local_start.time() < opens
        or (local_end.time() > closes or local_end.time() == datetime.min.time())
    ):
        problems.append(
            _("%(name)s can be booked from %(opens)s to %(closes)s (%(zone)s), within one day.")
            % {
                "name": resource.name,
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
                "zone": zone.key,
            }
        )
    if problems:
        raise ApplicationError(
            " ".join(str(problem) for problem in problems),
            code=ShowroomErrorCode.ALLOCATION_INVALID,
            status=400,
            details={"start_time": problems},
        )


def allocation_create(
    *,
    resource_id: Id,
    start_time: datetime,
    end_time: datetime,
    quantity: int = 1,
    event_id: Id | None = None,
    registration_id: Id | None = None,
    user: Actor | None = None,
) -> Allocation:
    """Book part of a resource for a time. The resource's row lock serialises every booking
    of it, so that overlapping bookings never add up to more than it has; for a resource of
    one, the database's exclusion constraint refuses an overlap as well. Call it inside the
    caller's transaction to book together with something else (a test drive)."""
    with transaction.atomic(using=DB):
        resource = _resource_locked(resource_id)
        if not resource.is_active:
            raise ApplicationError(
                _("%(name)s is deactivated: it takes no new booking.") % {"name": resource.name},
                code=ShowroomErrorCode.RESOURCE_INACTIVE,
                status=409,
            )
        _slot_check(resource, start_time, end_time, quantity)
        if _peak_use(resource, start_time, end_time) + quantity > resource.quantity:
            raise _unavailable(resource)
        try:
            with transaction.atomic(using=DB):
                allocation = Allocation.objects.using(DB).create(
                    resource=resource,
                    start_time=start_time,
                    end_time=end_time,
                    quantity=quantity,
                    exclusive=resource.quantity == 1,
                    event_id=event_id,
                    registration_id=registration_id,
                    created_by_id=None if user is None else user.pk,
                )
        except IntegrityError as exc:  # the exclusion constraint: never reached through here
            raise _unavailable(resource) from exc
        events.RESOURCE_ALLOCATED.emit(
            aggregate_id=allocation.pk, payload=events.allocation_payload(allocation)
        )
    return allocation


def _unavailable(resource: Resource) -> ApplicationError:
    return ApplicationError(
        _("%(name)s is booked for that time.") % {"name": resource.name},
        code=ShowroomErrorCode.RESOURCE_UNAVAILABLE,
        status=409,
    )


def allocation_release(*, allocation_id: Id, user: Actor | None = None) -> Allocation:
    """Give a booking back: `user`, staff of its resource's showroom or the group's. A test
    drive's or an event's booking is given back with it (its cancellation), never alone: the
    test drive would stand booked on a slot another could take."""
    with transaction.atomic(using=DB):
        allocation = (
            Allocation.objects.using(DB)
            .select_for_update()
            .select_related("resource")
            .get(pk=allocation_id)
        )
        if user is not None:
            scope_check(user, allocation.resource.showroom_id)
        if held_by := _held_by(allocation):
            raise ApplicationError(held_by, code=ShowroomErrorCode.ALLOCATION_HELD, status=409)
        _allocation_release(allocation)
    return allocation


def _held_by(allocation: Allocation) -> str | Promise:
    """Why an active booking is not given back alone ("" for none): a test drive or an
    event holds it."""
    if allocation.status != AllocationStatus.ACTIVE:
        return ""
    if TestDrive.objects.using(DB).filter(allocation=allocation).exists():
        return _("This booking is a test drive's: cancel the test drive, and it is given back.")
    if allocation.event_id is not None:
        return _("This booking is an event's: cancel the event, and it is given back.")
    return ""


def _allocation_release(allocation: Allocation) -> None:
    ALLOCATION_TRANSITIONS.apply(allocation, AllocationStatus.RELEASED)
    allocation.save(using=DB, update_fields=["status", "updated_at"])
    events.RESOURCE_RELEASED.emit(
        aggregate_id=allocation.pk, payload=events.allocation_payload(allocation)
    )
