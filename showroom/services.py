"""Writes of the showroom: events and their registrations, resources and their allocations,
test drives. Every state change goes through a transition map (showroom/choices.py) under
the row lock that serialises it: an event's for its seats, a resource's for its time, and a
person's own lock for their test drives."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError
from common.realtime import user_push_after_commit
from showroom import events
from showroom.choices import (
    ALLOCATION_TRANSITIONS,
    EVENT_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    SEAT_HOLDING,
    TEST_DRIVE_OUTCOMES,
    TEST_DRIVE_TRANSITIONS,
    AllocationStatus,
    EventStatus,
    RegistrationStatus,
    TestDriveStatus,
)
from showroom.error_codes import ShowroomErrorCode
from showroom.models import (
    Allocation,
    Event,
    EventCategory,
    Registration,
    Resource,
    ResourceType,
    TestDrive,
)

DB = "showroom"


def _not_found(message, code: ShowroomErrorCode) -> ApplicationError:
    return ApplicationError(message, code=code, status=404)


def _dealership_zone() -> ZoneInfo:
    """Where opening hours and calendar days are read (`DEALERSHIP_TIME_ZONE`)."""
    return ZoneInfo(settings.DEALERSHIP_TIME_ZONE)


# EVENTS
# ------------------------------------------------------------------------------
def _named_create(model, *, name: str, description: str = ""):
    """A category or a resource type: its name is unique (a concurrent duplicate too)."""
    try:
        with transaction.atomic(using=DB):
            return model.objects.using(DB).create(name=name, description=description)
    except IntegrityError as exc:
        raise ApplicationError(
            _("There is a %(model)s named “%(name)s” already.")
            % {"model": model._meta.verbose_name, "name": name},
            code=ShowroomErrorCode.NAME_TAKEN,
            status=409,
            details={"name": [_("Taken.")]},
        ) from exc


def category_create(*, name: str, description: str = "") -> EventCategory:
    return _named_create(EventCategory, name=name, description=description)


def resource_type_create(*, name: str, description: str = "") -> ResourceType:
    return _named_create(ResourceType, name=name, description=description)


def _existing(model, pk, field: str, code: ShowroomErrorCode) -> None:
    if pk is not None and not model.objects.using(DB).filter(pk=pk).exists():
        raise ApplicationError(
            _("There is no such %(model)s.") % {"model": model._meta.verbose_name},
            code=code,
            status=400,
            details={field: [_("No such one.")]},
        )


def event_create(*, user, status: str = EventStatus.DRAFT, **fields) -> Event:
    _existing(
        EventCategory,
        fields.get("category_id"),
        "category_id",
        ShowroomErrorCode.CATEGORY_NOT_FOUND,
    )
    with transaction.atomic(using=DB):
        event = Event(created_by_id=getattr(user, "pk", None), **fields)
        if status != EventStatus.DRAFT:
            EVENT_TRANSITIONS.apply(event, status)
        event.save(using=DB)
        events.EVENT_CREATED.emit(aggregate_id=event.pk, payload=events.event_payload(event))
    return event


def event_update(*, event_id, status: str | None = None, **fields) -> Event:
    """Change an event's details, or publish or finish it; never below the seats it gave."""
    _existing(
        EventCategory,
        fields.get("category_id"),
        "category_id",
        ShowroomErrorCode.CATEGORY_NOT_FOUND,
    )
    with transaction.atomic(using=DB):
        event = _event_locked(event_id)
        if event.status in (EventStatus.CANCELLED, EventStatus.FINISHED):
            raise ApplicationError(
                _("A %(status)s event cannot change.")
                % {"status": event.get_status_display().lower()},
                code=ShowroomErrorCode.EVENT_NOT_EDITABLE,
                status=409,
            )
        if status == EventStatus.CANCELLED:
            raise ApplicationError(
                _("Cancel an event with its cancel action."),
                code=ShowroomErrorCode.EVENT_NOT_EDITABLE,
                status=409,
            )
        held = _seats_held(event)
        if fields.get("capacity") is not None and fields["capacity"] < held:
            raise ApplicationError(
                ngettext(
                    "%(held)d seat is already given; the capacity cannot be less.",
                    "%(held)d seats are already given; the capacity cannot be less.",
                    held,
                )
                % {"held": held},
                code=ShowroomErrorCode.EVENT_NOT_EDITABLE,
                status=409,
                details={"capacity": [_("At least %(count)d.") % {"count": held}]},
            )
        for name, value in fields.items():
            setattr(event, name, value)
        if event.end_date <= event.start_date:
            raise ApplicationError(
                _("The end must come after the start."),
                code=ShowroomErrorCode.EVENT_NOT_EDITABLE,
                status=400,
                details={"end_date": [_("The end must come after the start.")]},
            )
        if status is not None and status != event.status:
            EVENT_TRANSITIONS.apply(event, status)
        event.save(using=DB)
        events.EVENT_UPDATED.emit(aggregate_id=event.pk, payload=events.event_payload(event))
    return event


def event_cancel(*, event_id) -> Event:
    """Cancel an event, keeping its row: its registrations are cancelled and its allocations
    released, in the same transaction."""
    with transaction.atomic(using=DB):
        event = _event_locked(event_id)
        EVENT_TRANSITIONS.apply(event, EventStatus.CANCELLED)
        event.save(using=DB, update_fields=["status", "updated_at"])
        for registration in event.registrations.filter(
            status__in=REGISTRATION_TRANSITIONS.sources(RegistrationStatus.CANCELLED)
        ):
            _registration_move(registration, RegistrationStatus.CANCELLED)
        for allocation in event.allocations.filter(status=AllocationStatus.ACTIVE):
            _allocation_release(allocation)
        events.EVENT_CANCELLED.emit(aggregate_id=event.pk, payload=events.event_payload(event))
    return event


def _event_locked(event_id) -> Event:
    event = Event.objects.using(DB).select_for_update().filter(pk=event_id).first()
    if event is None:
        raise _not_found(_("No such event."), ShowroomErrorCode.EVENT_NOT_FOUND)
    return event


def _seats_held(event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_HOLDING).count()


# REGISTRATIONS
# ------------------------------------------------------------------------------
def registration_create(*, event_id, user) -> Registration:
    """Take a seat, or a place on the waitlist. The event's row lock serialises every
    registration of it, so that seats are counted once: of any number of racing requests
    for the last seats, exactly as many as there are seats get one, and the rest queue in
    the order they took the lock."""
    with transaction.atomic(using=DB):
        event = (
            Event.objects.using(DB)
            .select_for_update()
            .filter(pk=event_id, status=EventStatus.PUBLISHED)
            .first()
        )
        if event is None:
            raise _not_found(_("No such event."), ShowroomErrorCode.EVENT_NOT_FOUND)
        if timezone.now() >= event.start_date:
            raise ApplicationError(
                _("Registration closed when the event began."),
                code=ShowroomErrorCode.EVENT_NOT_OPEN,
                status=409,
            )
        if event.registrations.filter(
            user_id=user.pk, status__in=(*SEAT_HOLDING, RegistrationStatus.WAITLISTED)
        ).exists():
            raise ApplicationError(
                _("You are registered for this event already."),
                code=ShowroomErrorCode.ALREADY_REGISTERED,
                status=409,
            )
        if _seats_held(event) < event.capacity:
            status = _seat_status(event)
        elif event.waitlist_enabled:
            status = RegistrationStatus.WAITLISTED
        else:
            raise ApplicationError(
                _("The event is full."), code=ShowroomErrorCode.EVENT_FULL, status=409
            )
        last = event.registrations.aggregate(last=Max("position"))["last"] or 0
        registration = Registration.objects.using(DB).create(
            event=event,
            user_id=user.pk,
            status=status,
            position=last + 1,
            hold_expires_at=_hold_expiry(status),
        )
        events.REGISTRATION_CREATED.emit(
            aggregate_id=registration.pk, payload=events.registration_payload(registration)
        )
    return registration


def _seat_status(event: Event) -> RegistrationStatus:
    """A seat of a paid event is held until it is paid; of a free one, confirmed."""
    if event.price is not None and event.price > Decimal("0"):
        return RegistrationStatus.PENDING_PAYMENT
    return RegistrationStatus.CONFIRMED


def _hold_expiry(status: str) -> datetime | None:
    if status != RegistrationStatus.PENDING_PAYMENT:
        return None
    return timezone.now() + timedelta(minutes=settings.SHOWROOM_PAYMENT_HOLD_MINUTES)


def registration_cancel(*, registration_id, user=None) -> Registration:
    """The person (or staff) gives the registration up; a seat it held goes to the first on
    the waitlist."""
    event_id = (
        Registration.objects.using(DB).values_list("event_id", flat=True).get(pk=registration_id)
    )
    with transaction.atomic(using=DB):
        event = _event_locked(event_id)
        registration = Registration.objects.using(DB).select_for_update().get(pk=registration_id)
        _registration_move(registration, RegistrationStatus.CANCELLED)
        _waitlist_promote(event)
    return registration


def registration_paid(*, registration_id, paid_amount: Decimal) -> Registration | None:
    """Payments reports what a seat's payments captured: once it covers the price, the seat
    held for payment is confirmed. A seat no longer held (expired, cancelled) stays as it
    is; payments refunds what it took for it."""
    event_id = (
        Registration.objects.using(DB)
        .filter(pk=registration_id)
        .values_list("event_id", flat=True)
        .first()
    )
    if event_id is None:
        return None
    with transaction.atomic(using=DB):
        event = _event_locked(event_id)
        registration = Registration.objects.using(DB).select_for_update().get(pk=registration_id)
        if (
            registration.status == RegistrationStatus.PENDING_PAYMENT
            and event.price is not None
            and paid_amount >= event.price
        ):
            _registration_move(registration, RegistrationStatus.CONFIRMED)
    return registration


def registrations_expire_holds(*, now=None) -> int:
    """Seats held for payment past their time go back, to the waitlist first."""
    now = now or timezone.now()
    expired = Registration.objects.using(DB).filter(
        status=RegistrationStatus.PENDING_PAYMENT, hold_expires_at__lt=now
    )
    count = 0
    for registration_id, event_id in list(expired.values_list("pk", "event_id")):
        with transaction.atomic(using=DB):
            event = _event_locked(event_id)
            registration = (
                Registration.objects.using(DB).select_for_update().get(pk=registration_id)
            )
            if registration.status != RegistrationStatus.PENDING_PAYMENT:
                continue  # paid or cancelled meanwhile
            _registration_move(registration, RegistrationStatus.EXPIRED)
            _waitlist_promote(event)
            count += 1
    return count


def _waitlist_promote(event: Event) -> Registration | None:
    """Under the event's lock: the first waitlisted registration takes a free seat."""
    if event.status != EventStatus.PUBLISHED or _seats_held(event) >= event.capacity:
        return None
    first = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("position")
        .first()
    )
    if first is not None:
        _registration_move(first, _seat_status(event))
    return first


def _registration_move(registration: Registration, target: str) -> None:
    REGISTRATION_TRANSITIONS.apply(registration, target)
    registration.hold_expires_at = _hold_expiry(target)
    registration.save(using=DB, update_fields=["status", "hold_expires_at", "updated_at"])
    event_type = (
        events.REGISTRATION_CANCELLED
        if target == RegistrationStatus.CANCELLED
        else events.REGISTRATION_CHANGED
    )
    event_type.emit(aggregate_id=registration.pk, payload=events.registration_payload(registration))
    user_push_after_commit(
        registration.user_id,
        {
            "type": "event.registration.status_changed",
            "registration": events.registration_payload(registration),
        },
        using=DB,
    )


# RESOURCES AND ALLOCATIONS
# ------------------------------------------------------------------------------
def resource_create(*, type_id, **fields) -> Resource:
    _existing(ResourceType, type_id, "type_id", ShowroomErrorCode.RESOURCE_TYPE_NOT_FOUND)
    with transaction.atomic(using=DB):
        resource = Resource.objects.using(DB).create(type_id=type_id, **fields)
        events.RESOURCE_CREATED.emit(
            aggregate_id=resource.pk, payload=events.resource_payload(resource)
        )
    return resource


def resource_update(*, resource_id, **fields) -> Resource:
    """Change a resource's details, or deactivate it (`is_active` false: it takes no new
    booking, and those it has stand) or activate it again. Its bookings still to come keep
    their times: the quantity cannot go below what they use at once."""
    _existing(
        ResourceType, fields.get("type_id"), "type_id", ShowroomErrorCode.RESOURCE_TYPE_NOT_FOUND
    )
    with transaction.atomic(using=DB):
        resource = _resource_locked(resource_id)
        for name, value in fields.items():
            setattr(resource, name, value)
        if resource.closes_at <= resource.opens_at:
            raise ApplicationError(
                _("A resource closes after it opens."),
                code=CommonErrorCode.VALIDATION_ERROR,
                status=400,
                details={"closes_at": [_("It must come after opens_at.")]},
            )
        booked = _booked_ahead(resource)
        if resource.quantity < booked:
            raise ApplicationError(
                _(
                    "%(booked)d of %(name)s are booked at once still to come; the quantity "
                    "cannot be less."
                )
                % {"booked": booked, "name": resource.name},
                code=ShowroomErrorCode.RESOURCE_IN_USE,
                status=409,
                details={"quantity": [_("At least %(count)d.") % {"count": booked}]},
            )
        resource.save(using=DB)
        events.RESOURCE_UPDATED.emit(
            aggregate_id=resource.pk, payload=events.resource_payload(resource)
        )
    return resource


def resource_delete(*, resource_id) -> None:
    """Delete a resource that has no booking still to come (deactivate one that has). Its
    row stays, deactivated and marked deleted, for its past bookings and test drives to keep
    it; the API no longer shows it."""
    with transaction.atomic(using=DB):
        resource = _resource_locked(resource_id)
        ahead = _allocations_ahead(resource).count()
        if ahead:
            raise ApplicationError(
                ngettext(
                    "%(name)s has %(ahead)d booking still to come: release it, or deactivate "
                    "the resource (is_active false) so that it takes no more.",
                    "%(name)s has %(ahead)d bookings still to come: release them, or "
                    "deactivate the resource (is_active false) so that it takes no more.",
                    ahead,
                )
                % {"name": resource.name, "ahead": ahead},
                code=ShowroomErrorCode.RESOURCE_IN_USE,
                status=409,
                details={"future_allocations": ahead},
            )
        resource.is_active, resource.deleted_at = False, timezone.now()
        resource.save(using=DB, update_fields=["is_active", "deleted_at", "updated_at"])
        events.RESOURCE_DELETED.emit(
            aggregate_id=resource.pk, payload=events.resource_payload(resource)
        )


def _resource_locked(resource_id) -> Resource:
    """The resource's row lock serialises its bookings, its changes and its deletion."""
    resource = (
        Resource.objects.using(DB)
        .select_for_update()
        .filter(pk=resource_id, deleted_at__isnull=True)
        .first()
    )
    if resource is None:
        raise _not_found(_("No such resource."), ShowroomErrorCode.RESOURCE_NOT_FOUND)
    return resource


def _allocations_ahead(resource: Resource):
    """Its active bookings that have not ended yet."""
    return resource.allocations.filter(status=AllocationStatus.ACTIVE, end_time__gt=timezone.now())


def _booked_ahead(resource: Resource) -> int:
    """The most of the resource that bookings still to come use at any moment."""
    last_end = _allocations_ahead(resource).aggregate(last=Max("end_time"))["last"]
    return 0 if last_end is None else _peak_use(resource, timezone.now(), last_end)


def _slot_check(resource: Resource, start: datetime, end: datetime, quantity: int) -> None:
    problems = []
    if end <= start:
        problems.append(_("The end must come after the start."))
    if start < timezone.now():
        problems.append(_("The slot has begun already."))
    if quantity > resource.quantity:
        problems.append(
            _("%(name)s has %(quantity)d.") % {"name": resource.name, "quantity": resource.quantity}
        )
    # Opening hours are the dealership's wall-clock times, whatever zone the slot is written in.
    zone = _dealership_zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if end > start and (
        local_start.date() != (local_end - timedelta(microseconds=1)).date()
        or local_start.time() < resource.opens_at
        or (local_end.time() > resource.closes_at or local_end.time() == datetime.min.time())
    ):
        problems.append(
            _("%(name)s can be booked from %(opens)s to %(closes)s (%(zone)s), within one day.")
            % {
                "name": resource.name,
                "opens": f"{resource.opens_at:%H:%M}",
                "closes": f"{resource.closes_at:%H:%M}",
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


def _peak_use(resource: Resource, start: datetime, end: datetime) -> int:
    """The most of the resource that active allocations use at any moment of [start, end)."""
    overlapping = resource.allocations.filter(
        status=AllocationStatus.ACTIVE, start_time__lt=end, end_time__gt=start
    )
    changes = []
    for a_start, a_end, quantity in overlapping.values_list("start_time", "end_time", "quantity"):
        changes += [(max(a_start, start), quantity), (min(a_end, end), -quantity)]
    peak = used = 0
    for _moment, change in sorted(changes, key=lambda c: (c[0], c[1])):  # ends before starts
        used += change
        peak = max(peak, used)
    return peak


def allocation_create(
    *,
    resource_id,
    start_time: datetime,
    end_time: datetime,
    quantity: int = 1,
    event_id=None,
    registration_id=None,
    user=None,
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
                    created_by_id=getattr(user, "pk", None),
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


def allocation_release(*, allocation_id) -> Allocation:
    with transaction.atomic(using=DB):
        allocation = Allocation.objects.using(DB).select_for_update().get(pk=allocation_id)
        _allocation_release(allocation)
    return allocation


def _allocation_release(allocation: Allocation) -> None:
    ALLOCATION_TRANSITIONS.apply(allocation, AllocationStatus.RELEASED)
    allocation.save(using=DB, update_fields=["status", "updated_at"])
    events.RESOURCE_RELEASED.emit(
        aggregate_id=allocation.pk, payload=events.allocation_payload(allocation)
    )


# TEST DRIVES
# ------------------------------------------------------------------------------
def test_drive_book(*, user, vehicle_id, start_time: datetime, end_time: datetime, notes=""):
    """One allocation of the vehicle's demo car and the test drive, together or not at all,
    within the person's limits (docs/api.md, "Test drives"), staff booking for themselves
    included. The person's lock serialises their bookings, so that racing requests count
    each other's drives."""
    resource = Resource.objects.using(DB).filter(vehicle_id=vehicle_id, is_active=True).first()
    if resource is None:
        raise ApplicationError(
            _("That vehicle has no demo car for test drives."),
            code=ShowroomErrorCode.NO_DEMO_VEHICLE,
            status=409,
        )
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


def test_drive_reschedule(*, test_drive_id, start_time: datetime, end_time: datetime):
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


def test_drive_cancel(*, test_drive_id) -> TestDrive:
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


def test_drive_outcome_set(*, test_drive_id, outcome: str, note: str = "", user=None) -> TestDrive:
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
        test_drive.outcome_by_id = getattr(user, "pk", None)
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


def _test_drives_of_user_locked(user_id) -> None:
    """Serialise the bookings of one person until the transaction ends. A person with no
    drive yet has no row to lock, so this is a transaction-scoped advisory lock on a key made
    from their id; taken before the resource's lock, always in that order. Embedded mode's
    SQLite has no such lock, as it has no row locks."""
    connection = connections[DB]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"showroom.test_drives.user:{user_id}"],
        )


def _test_drive_limit_check(user_id, *, moving=None) -> None:
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


def _test_drive_changed(test_drive: TestDrive, event) -> None:
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
