"""Reads of the service department, scoped to who asks (docs/showrooms.md, "Staff per
showroom"): a customer reads their own bookings and work orders, staff their showrooms'; and a
customer's cars ("Мои автомобили"): those they bought here (their completed orders' vehicles)
and those they brought to the service, one per VIN or plate, each with its service history at
this dealer and the next maintenance due."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from catalog import selectors as catalog_selectors
from common.api.exceptions import NotFound
from common.showrooms import visible_to
from common.types import Actor, Id
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from service.choices import LineKind, PayType, WorkOrderStatus
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


# What may be paid: from the customer's signature until the car is handed over.
PAYABLE_STATUSES = (
    WorkOrderStatus.AGREED,
    WorkOrderStatus.IN_WORK,
    WorkOrderStatus.WAITING,
    WorkOrderStatus.DONE,
    WorkOrderStatus.HANDED_OVER,
)
WORK_DONE = (WorkOrderStatus.DONE, WorkOrderStatus.HANDED_OVER, WorkOrderStatus.CLOSED)


def work_order_payable_report(work_order_id: str) -> dict[str, Any] | None:
    """The work order as payments asks of it before every payment (common/payables.py): the
    customer's total now, whether its work is done (a full payment, not a prepayment), why it
    cannot be paid (`closed`: its status, or empty), and the lines the customer pays, works
    and parts apart for the receipt (docs/service.md, "Payment")."""
    work_order = (
        WorkOrder.objects.using(DB).prefetch_related("lines").filter(pk=work_order_id).first()
    )
    if work_order is None:
        return None
    paid = [
        line
        for line in work_order.lines_counted()
        if line.pay_type == PayType.CUSTOMER and line.amount > 0
    ]
    return {
        "id": str(work_order.pk),
        "customer_id": str(work_order.customer_id) if work_order.customer_id else None,
        "showroom_id": str(work_order.showroom_id),
        "amount": str(work_order.customer_total),
        "currency": "RUB",
        "work_done": work_order.status in WORK_DONE,
        "closed": ""
        if work_order.status in PAYABLE_STATUSES
        else str(work_order.get_status_display()),
        "lines": [
            {
                "description": f"{line.name} ({line.code})" if line.code else line.name,
                "quantity": _whole(line.quantity),
                "amount": str(line.amount),
                "goods": line.kind == LineKind.PART,
            }
            for line in paid
        ],
    }


def _whole(quantity: Decimal | None) -> int:
    """A receipt counts whole units: litres of oil are one unit of their whole amount."""
    return int(quantity) if quantity and quantity == int(quantity) else 1


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


# "МОИ АВТОМОБИЛИ" (docs/service.md, "The customer's cars")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    work_order_id: str
    number: str
    opened: date
    status: str
    mileage_km: int
    customer_total: Decimal
    works: list[str]
    showroom_id: UUID | None = None


def _visit(work_order: WorkOrder) -> Visit:
    return Visit(
        str(work_order.pk),
        work_order.number,
        timezone.localdate(work_order.created_at),
        work_order.status,
        work_order.mileage_in,
        work_order.customer_total,
        [line.name for line in work_order.lines_counted()],
        work_order.showroom_id,
    )


def car_history(*, vin: str) -> list[Visit]:
    """A car's service at this dealer, every showroom's, oldest first: the visits whose work
    is done (docs/service.md, "Each car's history"). What staff read on a work order's page,
    and a used car's page shows of the car it sells; no customer and no money in it but the
    totals, which only staff are shown."""
    if not vin:
        return []
    done = (
        WorkOrder.objects.using(DB)
        .filter(vin=vin.upper(), status__in=WORK_DONE)
        .prefetch_related("lines")
        .order_by("created_at")
    )
    return [_visit(work_order) for work_order in done]


@dataclass
class MyCar:
    vin: str
    plate: str
    make: str
    model: str
    year: int | None
    bought_here: bool = False
    since: date | None = None  # bought, or first seen by the service
    mileage_km: int | None = None
    visits: list[Visit] = field(default_factory=list)
    next_due_date: date | None = None
    next_due_km: int | None = None
    next_menu: str = ""
    # (day, km) as each was known: bought, booked, brought in; the estimate of its mileage
    # today reads it (service/maintenance.py).
    mileage_history: list[tuple[date, int]] = field(default_factory=list)


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _car(cars: dict[str, MyCar], vin: str, plate: str, **known: Any) -> MyCar:
    key = vin or plate
    if key not in cars:
        cars[key] = MyCar(vin=vin, plate=plate, **known)
    return cars[key]


def _next_due(car: MyCar, menu: MaintenanceMenu | None, since: date, mileage: int) -> None:
    """The next maintenance: its menu's interval after the last one, or the first menu of the
    car's model after it was bought, whichever of months or km comes first."""
    if menu is None:
        menu = (
            MaintenanceMenu.objects.using(DB)
            .filter(make__iexact=car.make, model__iexact=car.model, is_active=True)
            .order_by("interval_km")
            .first()
        )
    if menu is not None:
        car.next_menu = menu.name
        car.next_due_date = _months_later(since, menu.interval_months)
        car.next_due_km = mileage + menu.interval_km


def my_cars(*, user: Actor) -> list[MyCar]:
    cars: dict[str, MyCar] = {}
    bought = orders_selectors.orders_of_buyer(user=user).filter(status=OrderStatus.COMPLETED)
    sold_on = {
        item.product_id: timezone.localdate(order.created_at)
        for order in bought
        for item in order.items.all()
        if item.is_vehicle
    }
    for vehicle in catalog_selectors.vehicles_get(product_ids=sold_on).values():
        car = _car(cars, vehicle.vin, "", make=vehicle.make, model=vehicle.model, year=vehicle.year)
        car.bought_here, car.since = True, sold_on[vehicle.product_id]
        car.mileage_km = vehicle.mileage_km or 0
        car.mileage_history.append((car.since, car.mileage_km))
    work_orders = (
        WorkOrder.objects.using(DB)
        .filter(customer_id=user.pk)
        .exclude(status=WorkOrderStatus.CANCELLED)
        .select_related("booking__menu")
        .prefetch_related("lines")
        .order_by("created_at")
    )
    last_menu: dict[str, tuple[MaintenanceMenu | None, date, int]] = {}
    for work_order in work_orders:
        car = _car(
            cars, work_order.vin, work_order.plate,
            make=work_order.make, model=work_order.model, year=work_order.year,
        )  # fmt: skip
        opened = timezone.localdate(work_order.created_at)
        car.since = car.since or opened
        car.mileage_km = max(car.mileage_km or 0, work_order.mileage_out or work_order.mileage_in)
        car.mileage_history.append((opened, work_order.mileage_in))
        car.visits.append(_visit(work_order))
        menu = work_order.booking.menu if work_order.booking else None
        if menu is not None:
            last_menu[work_order.vin or work_order.plate] = (menu, opened, work_order.mileage_in)
    for booking in Booking.objects.using(DB).filter(customer_id=user.pk).select_related("menu"):
        if (booking.vin or booking.plate) in cars:
            booked = timezone.localdate(booking.created_at)
            cars[booking.vin or booking.plate].mileage_history.append((booked, booking.mileage_km))
        elif booking.menu is not None:
            car = _car(
                cars,
                booking.vin,
                booking.plate,
                make=booking.menu.make,
                model=booking.menu.model,
                year=None,
            )
            car.mileage_km = booking.mileage_km
    for key, car in cars.items():
        menu, since, mileage = last_menu.get(key, (None, car.since, car.mileage_km or 0))
        if since is not None:
            _next_due(car, menu, since, mileage)
    return list(cars.values())


# What the managers read: the dashboard's figures and the sales report's service sheet, kept in
# a module of their own (service/managers.py) and read by other apps from here.
from service.managers import PartLow as PartLow  # noqa: E402
from service.managers import ServiceSheetRow as ServiceSheetRow  # noqa: E402
from service.managers import bay_load as bay_load  # noqa: E402
from service.managers import extra_work_decisions as extra_work_decisions  # noqa: E402
from service.managers import parts_low as parts_low  # noqa: E402
from service.managers import service_revenue as service_revenue  # noqa: E402
from service.managers import work_order_report_chunks as work_order_report_chunks  # noqa: E402
