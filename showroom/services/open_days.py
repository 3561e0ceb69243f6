"""The showroom's events (open days, premieres), their categories and their registrations:
one aggregate under the event's row lock, which serialises its seats (the waitlist, holds
for payment, cancellation). Named for what it holds; showroom/events.py is the domain
events."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.api.exceptions import ApplicationError
from common.realtime import user_push_after_commit
from common.types import Actor, Id
from showroom import events
from showroom.choices import (
    ACTIVE_REGISTRATION,
    EVENT_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    SEAT_HOLDING,
    AllocationStatus,
    EventStatus,
    RegistrationStatus,
)
from showroom.error_codes import ShowroomErrorCode
from showroom.models import Event, EventCategory, Registration
from showroom.services.allocations import _allocation_release
from showroom.services.resources import _existing, _named_create, _not_found

DB = "showroom"


# EVENTS
# ------------------------------------------------------------------------------
def category_create(*, name: str, description: str = "") -> EventCategory:
    return _named_create(EventCategory, name=name, description=description)


def event_create(*, user: Actor | None, status: str = EventStatus.DRAFT, **fields: Any) -> Event:
    _existing(
        EventCategory,
        fields.get("category_id"),
        "category_id",
        ShowroomErrorCode.CATEGORY_NOT_FOUND,
    )
    with transaction.atomic(using=DB):
        event = Event(created_by_id=None if user is None else user.pk, **fields)
        if status != EventStatus.DRAFT:
            EVENT_TRANSITIONS.apply(event, status)
        event.save(using=DB)
        events.EVENT_CREATED.emit(aggregate_id=event.pk, payload=events.event_payload(event))
    return event


def event_update(*, event_id: Id, status: str | None = None, **fields: Any) -> Event:
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


def event_cancel(*, event_id: Id) -> Event:
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


def _event_locked(event_id: Id) -> Event:
    event = Event.objects.using(DB).select_for_update().filter(pk=event_id).first()
    if event is None:
        raise _not_found(_("No such event."), ShowroomErrorCode.EVENT_NOT_FOUND)
    return event


def _seats_held(event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_HOLDING).count()


# REGISTRATIONS
# ------------------------------------------------------------------------------
def registration_create(*, event_id: Id, user: Actor) -> Registration:
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


def registration_cancel(*, registration_id: Id, user: Actor | None = None) -> Registration:
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


def registrations_cancel_upcoming(*, user_id: Id) -> int:
    """Gives up the person's registrations for events still to come, as a withdrawn consent
    to showroom events asks (docs/storefront.md, "Personal data"): a paid seat is refunded as
    any cancelled one is; how many."""
    upcoming = Registration.objects.using(DB).filter(
        user_id=user_id,
        status__in=ACTIVE_REGISTRATION,
        event__start_date__gt=timezone.now(),
    )
    cancelled = 0
    for registration_id in upcoming.values_list("pk", flat=True):
        registration_cancel(registration_id=registration_id)
        cancelled += 1
    return cancelled


def registration_paid(*, registration_id: Id, paid_amount: Decimal) -> Registration | None:
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


def registrations_expire_holds(*, now: datetime | None = None) -> int:
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
