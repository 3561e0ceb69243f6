"""Resources and their types, under the resource's row lock, and how much of a resource its
active allocations use (allocations.py books it). Also what open_days.py shares with it: a named
record's creation, a referenced record's check, the not-found error."""

from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.showrooms import scope_check
from common.types import Actor, Id
from showroom import events
from showroom.choices import AllocationStatus
from showroom.error_codes import ShowroomErrorCode
from showroom.models import Allocation, EventCategory, Resource, ResourceType

DB = "showroom"

# A record named uniquely: an event category or a resource type.
_Named = TypeVar("_Named", EventCategory, ResourceType)


def _not_found(message: str | Promise, code: ShowroomErrorCode) -> ApplicationError:
    return ApplicationError(message, code=code, status=404)


def _named_create(model: type[_Named], *, name: str, description: str = "") -> _Named:
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


def resource_type_create(*, name: str, description: str = "") -> ResourceType:
    return _named_create(ResourceType, name=name, description=description)


def _existing(
    model: type[EventCategory | ResourceType], pk: Id | None, field: str, code: ShowroomErrorCode
) -> None:
    if pk is not None and not model.objects.using(DB).filter(pk=pk).exists():
        raise ApplicationError(
            _("There is no such %(model)s.") % {"model": model._meta.verbose_name},
            code=code,
            status=400,
            details={field: [_("No such one.")]},
        )


def resource_create(*, type_id: Id, user: Actor | None = None, **fields: Any) -> Resource:
    """A resource; `user`, a member of staff, adds it to one of their showrooms (or the
    group's staff anywhere; common.showrooms)."""
    if user is not None:
        scope_check(user, fields.get("showroom_id"))
    _existing(ResourceType, type_id, "type_id", ShowroomErrorCode.RESOURCE_TYPE_NOT_FOUND)
    with transaction.atomic(using=DB):
        resource = Resource.objects.using(DB).create(type_id=type_id, **fields)
        events.RESOURCE_CREATED.emit(
            aggregate_id=resource.pk, payload=events.resource_payload(resource)
        )
    return resource


def resource_update(*, resource_id: Id, user: Actor | None = None, **fields: Any) -> Resource:
    """Change a resource's details, or deactivate it (`is_active` false: it takes no new
    booking, and those it has stand) or activate it again. Its bookings still to come keep
    their times: the quantity cannot go below what they use at once. `user`, a member of
    staff, changes one of their showrooms', and moves it only to another of theirs."""
    _existing(
        ResourceType, fields.get("type_id"), "type_id", ShowroomErrorCode.RESOURCE_TYPE_NOT_FOUND
    )
    with transaction.atomic(using=DB):
        resource = _resource_locked(resource_id)
        if user is not None:
            scope_check(user, resource.showroom_id)
            if "showroom_id" in fields:
                scope_check(user, fields["showroom_id"])
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


def resource_delete(*, resource_id: Id, user: Actor | None = None) -> None:
    """Delete a resource that has no booking still to come (deactivate one that has). Its
    row stays, deactivated and marked deleted, for its past bookings and test drives to keep
    it; the API no longer shows it."""
    with transaction.atomic(using=DB):
        resource = _resource_locked(resource_id)
        if user is not None:
            scope_check(user, resource.showroom_id)
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


def _resource_locked(resource_id: Id) -> Resource:
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


def _allocations_ahead(resource: Resource) -> QuerySet[Allocation]:
    """Its active bookings that have not ended yet."""
    return resource.allocations.filter(status=AllocationStatus.ACTIVE, end_time__gt=timezone.now())


def _booked_ahead(resource: Resource) -> int:
    """The most of the resource that bookings still to come use at any moment."""
    last_end = _allocations_ahead(resource).aggregate(last=Max("end_time"))["last"]
    return 0 if last_end is None else _peak_use(resource, timezone.now(), last_end)


def _peak_use(resource: Resource, start: datetime, end: datetime) -> int:
    """The most of the resource that active allocations use at any moment of [start, end)."""
    overlapping = resource.allocations.filter(
        status=AllocationStatus.ACTIVE, start_time__lt=end, end_time__gt=start
    )
    changes: list[tuple[datetime, int]] = []
    for a_start, a_end, quantity in overlapping.values_list("start_time", "end_time", "quantity"):
        changes += [(max(a_start, start), quantity), (min(a_end, end), -quantity)]
    peak = used = 0
    for _moment, change in sorted(changes, key=lambda c: (c[0], c[1])):  # ends before starts
        used += change
        peak = max(peak, used)
    return peak
