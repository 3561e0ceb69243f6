"""Reads of the service department, scoped to who asks (docs/showrooms.md, "Staff per
showroom"): a customer reads their own bookings, staff their showrooms'."""

from django.db.models import QuerySet

from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from service.models import Booking, MaintenanceMenu

DB = "service"


def booking_list(*, user: Actor) -> QuerySet[Booking]:
    bookings = Booking.objects.using(DB).select_related("bay", "advisor", "menu")
    return visible_to(user, bookings, owner="customer_id", showroom="showroom_id")


def booking_get(*, user: Actor, booking_id: Id) -> Booking:
    booking = booking_list(user=user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound
    return booking


def booking_of_link(*, booking_id: Id) -> Booking:
    """The booking a signed link names (its signature checked by the service)."""
    booking = (
        Booking.objects.using(DB)
        .select_related("bay", "advisor", "menu")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound
    return booking


def menu_list() -> QuerySet[MaintenanceMenu]:
    """The active maintenance menus (the API filters them by make and model)."""
    return MaintenanceMenu.objects.using(DB).filter(is_active=True).prefetch_related("operations")
