"""Reads of the service department, scoped to who asks (docs/showrooms.md, "Staff per
showroom"): a customer reads their own bookings, staff their showrooms'."""

from django.db.models import QuerySet

from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from service.models import Booking, MaintenanceMenu, WarrantyClaim, WorkOrder

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


def work_order_list(*, user: Actor) -> QuerySet[WorkOrder]:
    work_orders = WorkOrder.objects.using(DB).select_related("advisor").prefetch_related("lines")
    return visible_to(user, work_orders, owner="customer_id", showroom="showroom_id")


def work_order_get(*, user: Actor, work_order_id: Id) -> WorkOrder:
    work_order = work_order_list(user=user).filter(pk=work_order_id).first()
    if work_order is None:
        raise NotFound
    return work_order


def work_order_of_link(*, work_order_id: Id) -> WorkOrder:
    """The work order a signed link names (its signature checked by the service)."""
    work_order = (
        WorkOrder.objects.using(DB)
        .select_related("advisor")
        .prefetch_related("lines")
        .filter(pk=work_order_id)
        .first()
    )
    if work_order is None:
        raise NotFound
    return work_order


def warranty_claim_list(*, user: Actor) -> QuerySet[WarrantyClaim]:
    """Staff's: their showrooms' claims (the customer has none to see)."""
    claims = WarrantyClaim.objects.using(DB).select_related("work_order")
    return visible_to(user, claims, owner=None, showroom="showroom_id")


def warranty_claim_get(*, user: Actor, claim_id: Id) -> WarrantyClaim:
    claim = warranty_claim_list(user=user).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound
    return claim


def menu_list() -> QuerySet[MaintenanceMenu]:
    """The active maintenance menus (the API filters them by make and model)."""
    return MaintenanceMenu.objects.using(DB).filter(is_active=True).prefetch_related("operations")
