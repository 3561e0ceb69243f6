"""Test drives: a demo car's allocation and the drive booked together, within the person's
limits, under the person's own lock."""

from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError, email_not_verified
from common.db.transactions import turn_take
from common.error_codes import CommonErrorCode
from common.events import DomainEvent
from common.realtime import user_push_after_commit
from common.types import Actor, Applicant, Id
from showroom import events
from showroom.choices import TEST_DRIVE_OUTCOMES, TEST_DRIVE_TRANSITIONS, TestDriveStatus
from showroom.error_codes import ShowroomErrorCode
from showroom.models import Allocation, Resource, TestDrive
from showroom.services.allocations import (
    _allocation_release,
    _dealership_zone,
    _slot_check,
    allocation_create,
    resource_window,
)
from showroom.services.resources import _peak_use

DB = "showroom"


def test_drive_book(
    *, user: Applicant, vehicle_id: Id, start_time: datetime, end_time: datetime, notes: str = ""
) -> TestDrive:
    """One allocation of the vehicle's demo car and the test drive, together or not at all,
    within the person's limits (docs/api.md, "Test drives"), staff booking for themselves
    included, by someone whose e-mail is verified. The person's lock serialises their
    bookings, so that racing requests count each other's drives."""
    if not user.email_verified:
        raise email_not_verified(_("booking a test drive"))
    resource = _demo_car(vehicle_id)
    _test_drive_slot_rules(start_time, end_time)
    with transaction.atomic(using=DB):
        _test_drives_of_user_locked(user.pk)
        _test_drive_limit_check(user.pk)
        allocation = allocation_create(
            resource_id=resource.pk, start_time=start_time, end_time=end_time, user=user
        )
        test_drive = TestDrive.objects.using(DB).create(
            user_id=user.pk,
            resource=resource,
            allocation=allocation,
            start_time=start_time,
            end_time=end_time,
            notes=notes,
        )
        _test_drive_changed(test_drive, events.TEST_DRIVE_BOOKED)
    return test_drive


def test_drive_slots_free(*, vehicle_id: Id, day: date) -> list[tuple[datetime, datetime]]:
    """The free slots of the vehicle's demo car on `day`, each SHOWROOM_TEST_DRIVE_SLOT_MINUTES
    long from its opening time, written on its showroom's clock: those the booking itself
    would take (`test_drive_book`'s own checks: opening hours, not begun, within the horizon,
    the car not already allocated). A vehicle with no demo car is the booking's 409."""
    resource = _demo_car(vehicle_id)
    window = resource_window(resource, day)  # on its showroom's clock where it stands in one
    if window.opens is None or window.closes is None:
        return []
    length = timedelta(minutes=settings.SHOWROOM_TEST_DRIVE_SLOT_MINUTES)
    start = datetime.combine(day, window.opens, window.zone)
    closes = datetime.combine(day, window.closes, window.zone)
    free = []
    while start + length <= closes:
        end = start + length
        try:
            _test_drive_slot_rules(start, end)
            _slot_check(resource, start, end, 1)
        except ApplicationError:
            pass
        else:
            if _peak_use(resource, start, end) < resource.quantity:
                free.append((start, end))
        start = end
    return free


def _demo_car(vehicle_id: Id) -> Resource:
    """The demo car a buyer of `vehicle_id` drives: the car's own, else one of its model's
    (the catalog's `demo_cars_of_model`, which `test_drive_available` follows), the one in
    the showroom the car stands in first."""
    active = Resource.objects.using(DB).filter(is_active=True).select_related("showroom")
    resource = active.filter(vehicle_id=vehicle_id).first()
    if resource is None:
        of_model = catalog_selectors.demo_cars_of_model(vehicle_id=vehicle_id)
        here = catalog_selectors.vehicle_showroom_id(vehicle_id=vehicle_id)
        resource = (
            active.filter(pk__in=of_model)
            .annotate(elsewhere=Case(When(showroom_id=here, then=0), default=1))
            .order_by("elsewhere", "created_at")
            .first()
        )
    if resource is None:
        raise ApplicationError(
            _("That vehicle has no demo car for test drives."),
            code=ShowroomErrorCode.NO_DEMO_VEHICLE,
            status=409,
        )
    return resource


def test_drive_reschedule(
    *, test_drive_id: Id, start_time: datetime, end_time: datetime
) -> TestDrive:
    """Move a booked test drive: the old slot is given back and the new one taken in one
    transaction, so that a refused move leaves the booking as it was. The new slot keeps to
    the length and horizon of a booking, and a drive moved back into the future still counts
    against the limit (the drive itself aside)."""
    user_id = TestDrive.objects.using(DB).values_list("user_id", flat=True).get(pk=test_drive_id)
    _test_drive_slot_rules(start_time, end_time)
    with transaction.atomic(using=DB):
        _test_drives_of_user_locked(user_id)
        test_drive = TestDrive.objects.using(DB).select_for_update().get(pk=test_drive_id)
        _test_drive_booked(test_drive)
        _test_drive_limit_check(user_id, moving=test_drive.pk)
        _allocation_release(
            Allocation.objects.using(DB).select_for_update().get(pk=test_drive.allocation_id)
        )
        test_drive.allocation = allocation_create(
            resource_id=test_drive.resource_id, start_time=start_time, end_time=end_time
        )
        test_drive.start_time, test_drive.end_time = start_time, end_time
        test_drive.save(
            using=DB, update_fields=["allocation", "start_time", "end_time", "updated_at"]
        )
        _test_drive_changed(test_drive, events.TEST_DRIVE_RESCHEDULED)
    return test_drive


def test_drive_cancel(*, test_drive_id: Id) -> TestDrive:
    with transaction.atomic(using=DB):
        test_drive = TestDrive.objects.using(DB).select_for_update().get(pk=test_drive_id)
        TEST_DRIVE_TRANSITIONS.apply(test_drive, TestDriveStatus.CANCELLED)
        test_drive.save(using=DB, update_fields=["status", "updated_at"])
        allocation = (
            Allocation.objects.using(DB).select_for_update().get(pk=test_drive.allocation_id)
        )
        _allocation_release(allocation)
        _test_drive_changed(test_drive, events.TEST_DRIVE_CANCELLED)
    return test_drive


def test_drives_cancel_upcoming(*, user_id: Id) -> int:
    """Cancels the person's test drives still to come, as a withdrawn consent to test drives
    asks (docs/storefront.md, "Personal data"); how many."""
    upcoming = TestDrive.objects.using(DB).filter(
        user_id=user_id, status=TestDriveStatus.BOOKED, start_time__gt=timezone.now()
    )
    cancelled = 0
    for test_drive_id in upcoming.values_list("pk", flat=True):
        test_drive_cancel(test_drive_id=test_drive_id)
        cancelled += 1
    return cancelled


def test_drive_outcome_set(
    *, test_drive_id: Id, outcome: str, note: str = "", user: Actor | None = None
) -> TestDrive:
    """Staff record how a booked drive went, `completed` or `no_show`, once it has started
    (its start_time has come); never before, and only once. The allocation stays as it was:
    the demo car was kept for the client either way."""
    if outcome not in TEST_DRIVE_OUTCOMES:
        raise ApplicationError(
            _("An outcome is one of %(outcomes)s.") % {"outcomes": ", ".join(TEST_DRIVE_OUTCOMES)},
            code=CommonErrorCode.VALIDATION_ERROR,
            status=400,
            details={
                "outcome": [
                    _("One of %(outcomes)s.") % {"outcomes": ", ".join(TEST_DRIVE_OUTCOMES)}
                ]
            },
        )
    with transaction.atomic(using=DB):
        test_drive = TestDrive.objects.using(DB).select_for_update().get(pk=test_drive_id)
        TEST_DRIVE_TRANSITIONS.check(test_drive.status, outcome)
        if test_drive.start_time > timezone.now():
            raise ApplicationError(
                _("The test drive has not started yet: record how it went once it has."),
                code=ShowroomErrorCode.TEST_DRIVE_NOT_STARTED,
                status=409,
                details={"start_time": timezone.localtime(test_drive.start_time).isoformat()},
            )
        TEST_DRIVE_TRANSITIONS.apply(test_drive, outcome)
        test_drive.outcome_note = note
        test_drive.outcome_by_id = None if user is None else user.pk
        test_drive.save(
            using=DB, update_fields=["status", "outcome_note", "outcome_by_id", "updated_at"]
        )
        _test_drive_changed(test_drive, events.TEST_DRIVE_STATUS_CHANGED)
    return test_drive


def _test_drive_slot_rules(start_time: datetime, end_time: datetime) -> None:
    """A test drive's length and how far ahead it starts (a booking's and a reschedule's);
    the slot itself (opening hours, not past) is the resource's check."""
    max_hours = settings.SHOWROOM_TEST_DRIVE_MAX_HOURS
    if end_time - start_time > timedelta(hours=max_hours):
        raise ApplicationError(
            ngettext(
                "A test drive lasts at most %(hours)d hour.",
                "A test drive lasts at most %(hours)d hours.",
                max_hours,
            )
            % {"hours": max_hours},
            code=ShowroomErrorCode.TEST_DRIVE_TOO_LONG,
            status=400,
            details={
                "end_time": [
                    ngettext(
                        "At most %(hours)d hour after start_time.",
                        "At most %(hours)d hours after start_time.",
                        max_hours,
                    )
                    % {"hours": max_hours}
                ]
            },
        )
    # By the dealership's calendar: bookable through the last day of the horizon.
    zone = _dealership_zone()
    last_day = timezone.localdate(timezone.now(), zone) + timedelta(
        days=settings.SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD
    )
    if start_time.astimezone(zone).date() > last_day:
        raise ApplicationError(
            ngettext(
                "A test drive can be booked %(days)d day ahead at most: to start on %(day)s at "
                "the latest.",
                "A test drive can be booked %(days)d days ahead at most: to start on %(day)s at "
                "the latest.",
                settings.SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD,
            )
            % {"days": settings.SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD, "day": f"{last_day:%Y-%m-%d}"},
            code=ShowroomErrorCode.TEST_DRIVE_TOO_FAR_AHEAD,
            status=400,
            details={
                "start_time": [_("On %(day)s at the latest.") % {"day": f"{last_day:%Y-%m-%d}"}]
            },
        )


def _test_drives_of_user_locked(user_id: UUID) -> None:
    """Serialise the bookings of one person until the transaction ends. A person with no
    drive yet has no row to lock, so this is a transaction-scoped advisory lock on a key made
    from their id; taken before the resource's lock, always in that order."""
    turn_take(f"showroom.test_drives.user:{user_id}", using=DB)


def _test_drive_limit_check(user_id: UUID, *, moving: UUID | None = None) -> None:
    """Under the person's lock: fewer than SHOWROOM_TEST_DRIVE_MAX_ACTIVE booked drives
    still to start, besides the one being moved."""
    limit = settings.SHOWROOM_TEST_DRIVE_MAX_ACTIVE
    active = TestDrive.objects.using(DB).filter(
        user_id=user_id, status=TestDriveStatus.BOOKED, start_time__gt=timezone.now()
    )
    if moving is not None:
        active = active.exclude(pk=moving)
    count = active.count()
    if count >= limit:
        raise ApplicationError(
            ngettext(
                "%(count)d test drive is booked already, %(limit)d at most at once: cancel "
                "one, or book after one has taken place.",
                "%(count)d test drives are booked already, %(limit)d at most at once: cancel "
                "one, or book after one has taken place.",
                count,
            )
            % {"count": count, "limit": limit},
            code=ShowroomErrorCode.TEST_DRIVE_LIMIT_REACHED,
            status=409,
            details={"active": count, "limit": limit},
        )


def _test_drive_changed(test_drive: TestDrive, event: DomainEvent) -> None:
    """The event for the outbox (the CRM's timeline hears of it), and a push: the client's
    open feeds hear of their test drive as of their orders."""
    payload = events.test_drive_payload(test_drive)
    event.emit(aggregate_id=test_drive.pk, payload=payload)
    push = {key: payload[key] for key in ("id", "vehicle_id", "start_time", "end_time", "status")}
    user_push_after_commit(
        test_drive.user_id, {"type": "test_drive.status_changed", "test_drive": push}, using=DB
    )


def _test_drive_booked(test_drive: TestDrive) -> None:
    if test_drive.status != TestDriveStatus.BOOKED:
        raise ApplicationError(
            _("A %(status)s test drive cannot change.")
            % {"status": test_drive.get_status_display().lower()},
            code=ShowroomErrorCode.TEST_DRIVE_NOT_CHANGEABLE,
            status=409,
        )
