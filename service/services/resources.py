"""The service department's resources: bays, advisors, labour rates, operations, parts and
maintenance menus. The admin edits them as records; the demo and the tests make them here."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from common.showrooms import scope_check
from common.types import Actor, Id
from service.models import (
    Advisor,
    Bay,
    LabourRate,
    MaintenanceMenu,
    MenuPart,
    Operation,
    Part,
)

DB = "service"


def bay_create(*, showroom_id: Id, name: str, user: Actor | None = None) -> Bay:
    if user is not None:
        scope_check(user, showroom_id)
    return Bay.objects.using(DB).create(showroom_id=showroom_id, name=name)


def advisor_create(
    *,
    showroom_id: Id,
    user_id: Id,
    name: str,
    position: str = "Мастер-консультант",
    user: Actor | None = None,
) -> Advisor:
    if user is not None:
        scope_check(user, showroom_id)
    return Advisor.objects.using(DB).create(
        showroom_id=showroom_id, user_id=user_id, name=name, position=position
    )


def labour_rate_set(
    *, showroom_id: Id, rate: Decimal, kind: str = "", user: Actor | None = None
) -> LabourRate:
    """The showroom's rate of a norm hour, general (no `kind`) or of one kind of work."""
    if user is not None:
        scope_check(user, showroom_id)
    labour_rate, _created = LabourRate.objects.using(DB).update_or_create(
        showroom_id=showroom_id, kind=kind, defaults={"rate": rate}
    )
    return labour_rate


def operation_create(
    *,
    code: str,
    name: str,
    norm_hours: Decimal,
    makes: Iterable[str] = (),
    vehicle_models: Iterable[str] = (),
    rate_kind: str = "",
) -> Operation:
    return Operation.objects.using(DB).create(
        code=code,
        name=name,
        norm_hours=norm_hours,
        rate_kind=rate_kind,
        makes=list(makes),
        vehicle_models=list(vehicle_models),
    )


def part_create(*, number: str, manufacturer: str, name: str, price: Decimal) -> Part:
    return Part.objects.using(DB).create(
        number=number, manufacturer=manufacturer, name=name, price=price
    )


def menu_create(
    *,
    name: str,
    make: str,
    model: str,
    interval_km: int,
    interval_months: int,
    operations: Iterable[Operation] = (),
    parts: Iterable[tuple[Part, Decimal]] = (),
) -> MaintenanceMenu:
    """A maintenance menu with its operations and its parts (each with its quantity)."""
    with transaction.atomic(using=DB):
        menu = MaintenanceMenu.objects.using(DB).create(
            name=name,
            make=make,
            model=model,
            interval_km=interval_km,
            interval_months=interval_months,
        )
        menu.operations.set(list(operations))
        MenuPart.objects.using(DB).bulk_create(
            MenuPart(menu=menu, part=part, quantity=quantity) for part, quantity in parts
        )
    return menu
