"""The service department's records for tests, made through its services; another app's
tests may use them too."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from common.api.exceptions import ApplicationError
from documents import selectors as documents_selectors
from documents.tests.factories import legal_entity_make
from service import services
from service.models import Advisor, Bay, Booking, MaintenanceMenu, WorkOrder
from showroom.tests.factories import showroom_make


def service_showroom_make(*, bays: int = 1, advisors: int = 1, **fields):
    """A showroom open 9–21 every day, with `bays` bays and `advisors` advisors, at 2 500 ₽
    a norm hour."""
    showroom = showroom_make(**fields)
    services.labour_rate_set(showroom_id=showroom.pk, rate=Decimal("2500.00"))
    for number in range(1, bays + 1):
        services.bay_create(showroom_id=showroom.pk, name=f"Пост {number}")
    for number in range(1, advisors + 1):
        services.advisor_create(
            showroom_id=showroom.pk,
            user_id=showroom.pk if number == 1 else Advisor().pk,
            name=f"Мастер {number}",
        )
    return showroom


def menu_make(*, norm_hours=("1.50",), make="Lada", model="Vesta") -> MaintenanceMenu:
    operations = [
        services.operation_create(
            code=f"OP{Bay().pk.hex[:8]}",
            name=f"Работа {index}",
            norm_hours=Decimal(hours),
            makes=[make],
            vehicle_models=[model],
        )
        for index, hours in enumerate(norm_hours, start=1)
    ]
    oil = services.part_create(
        number=f"P{Bay().pk.hex[:8]}", manufacturer="Lada", name="Масло", price=Decimal("900.00")
    )
    return services.menu_create(
        name="ТО-1",
        make=make,
        model=model,
        interval_km=15000,
        interval_months=12,
        operations=operations,
        parts=[(oil, Decimal("4"))],
    )


def local_at(showroom, hour: int, minute: int = 0, days: int = 2) -> datetime:
    """`days` days ahead at that time on the showroom's clock."""
    zone = ZoneInfo(showroom.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), zone)


def booking_make(user, showroom, start: datetime | None = None, **fields) -> Booking:
    """A complaint booking by `user` (signed in) at `start` (the day after tomorrow at 10)."""
    return services.booking_create(
        user=user,
        showroom_id=showroom.pk,
        start_time=start or local_at(showroom, 10),
        **{"vin": "XTA21900000000001", "mileage_km": 30000, "complaint": "Стучит", **fields},
    )


def work_order_make(staff, customer, showroom=None, start=None, **terms) -> WorkOrder:
    """A draft work order that `staff` opens from `customer`'s booking of a ТО-1 (1.5 norm
    hours and four litres of oil, a hundred on the shelf) in `showroom` (a new one by
    default); for a car driven in
    by someone without an account (`customer` None), with the ТО-1's work alone. The seller's
    legal entity is the documents app's default."""
    try:
        documents_selectors.legal_entity_default()
    except ApplicationError:  # none signs yet
        legal_entity_make()
    showroom = showroom or service_showroom_make()
    menu = MaintenanceMenu.objects.filter(make="Lada", model="Vesta", name="ТО-1").first()
    menu = menu or menu_make()
    for menu_part in menu.parts.all():
        services.stock_receive(
            showroom_id=showroom.pk, part_id=menu_part.part_id, quantity=Decimal("100")
        )
    terms = {"customer_name": "Иван Петров", "customer_phone": "+79161234567", **terms}
    if customer is None:
        car = {"make": "Lada", "model": "Vesta", "vin": "XTA21900000000002", "mileage_in": 30000}
        work_order = services.work_order_open(
            user=staff, showroom_id=showroom.pk, **{**car, **terms}
        )
        operation = menu.operations.get()
        services.line_add(
            user=staff, work_order_id=work_order.pk, kind="labour", operation_id=operation.pk
        )
        return work_order
    booking = booking_make(customer, showroom, start, menu_id=menu.pk, complaint="")
    return services.work_order_open(user=staff, booking_id=booking.pk, **terms)
