"""Where each car stands (docs/showrooms.md, "Where each car is"): the group's showrooms as
the showroom's events report them (`Location`), and a car moved from one to another, with its
history and its event."""

from django.db import transaction
from django.utils.translation import gettext as _

from catalog import events
from catalog.cache import product_list_invalidate_after_commit
from catalog.choices import ProductKind
from catalog.error_codes import CatalogErrorCode
from catalog.models import Location, Product, VehicleTransfer
from common.api.exceptions import ApplicationError
from common.showrooms import scope_check
from common.types import Actor, Id

DB = "catalog"


def location_note(
    *,
    showroom_id: Id,
    name: str,
    city: str,
    is_active: bool,
    address: str = "",
    phone: str = "",
) -> None:
    """What the showroom reports of a showroom: its name, city, address and phone, and
    whether buyers see it. A city that changed moves the city its cars are listed under."""
    with transaction.atomic(using=DB):
        Location.objects.using(DB).update_or_create(
            showroom_id=showroom_id,
            defaults={
                "name": name,
                "city": city,
                "address": address,
                "phone": phone,
                "is_active": is_active,
            },
        )
        moved = Product.objects.using(DB).filter(showroom_id=showroom_id).exclude(city=city)
        if moved.update(city=city):
            product_list_invalidate_after_commit()


def vehicle_place(*, product_id: Id, showroom_id: Id) -> None:
    """Where a car stands from the start, as a car is delivered to a showroom (the demo's
    stock): no transfer, no event. A car that stands somewhere already is moved only by
    `vehicle_transfer`."""
    location = _location(showroom_id)
    Product.objects.using(DB).filter(
        pk=product_id, kind=ProductKind.VEHICLE, showroom_id__isnull=True
    ).update(showroom_id=location.pk, city=location.city)
    product_list_invalidate_after_commit()


def showroom_for_new_car(showroom_id: Id | None) -> Location | None:
    """Where a new car stands (docs/showrooms.md, "Where each car is"): the showroom named,
    open to buyers; unnamed, the group's only one. The group with several, it must be named
    (`showroom_required`); with none yet, the car stands nowhere."""
    if showroom_id is not None:
        return _location(showroom_id)
    open_to_buyers = list(Location.objects.using(DB).filter(is_active=True)[:2])
    if len(open_to_buyers) > 1:
        raise ApplicationError(
            _("Say which showroom the car stands in: the group has several."),
            code=CatalogErrorCode.SHOWROOM_REQUIRED,
            details={"showroom_id": [_("Required: the group has several showrooms.")]},
        )
    return open_to_buyers[0] if open_to_buyers else None


def vehicle_transfer(*, user: Actor, product_id: Id, showroom_id: Id, note: str = "") -> Product:
    """Move a car to another showroom of the group: the car stands and is listed there from
    now on, the move is kept (who, when, from, to) and told (`vehicle.transferred`). Only
    staff of the showroom it stands in, or the group's, move it. Two moves of one car at once
    happen one after the other (the car's row lock)."""
    with transaction.atomic(using=DB):
        vehicle = (
            Product.objects.using(DB)
            .select_for_update()
            .filter(pk=product_id, kind=ProductKind.VEHICLE)
            .first()
        )
        if vehicle is None:
            raise ApplicationError(
                _("There is no such vehicle."),
                code=CatalogErrorCode.PRODUCT_UNAVAILABLE,
                status=404,
            )
        scope_check(user, vehicle.showroom_id)
        location = _location(showroom_id)
        if vehicle.showroom_id == location.pk:
            raise ApplicationError(
                _("The car stands in %(showroom)s already.") % {"showroom": location.name},
                code=CatalogErrorCode.ALREADY_THERE,
                status=409,
            )
        transfer = VehicleTransfer.objects.using(DB).create(
            product=vehicle,
            from_showroom_id=vehicle.showroom_id,
            to_showroom_id=location.pk,
            transferred_by_id=user.pk,
            note=note,
        )
        vehicle.showroom_id, vehicle.city = location.pk, location.city
        vehicle.save(using=DB, update_fields=["showroom_id", "city", "updated_at"])
        events.VEHICLE_TRANSFERRED.emit(
            aggregate_id=vehicle.pk, payload=events.transfer_payload(transfer, location.city)
        )
    product_list_invalidate_after_commit()
    return vehicle


def _location(showroom_id: Id) -> Location:
    location = Location.objects.using(DB).filter(pk=showroom_id, is_active=True).first()
    if location is None:
        raise ApplicationError(
            _("There is no such showroom open to buyers."),
            code=CatalogErrorCode.SHOWROOM_NOT_FOUND,
            status=400,
            details={"showroom_id": [_("No such one.")]},
        )
    return location
