"""The service department's records for tests, made through its services; another app's
tests may use them too."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from service import services
from service.models import Advisor, Bay, Booking, MaintenanceMenu
from showroom.tests.factories import showroom_make


def service_showroom_make(*, bays: int = 1, advisors: int = 1, **fields):
    """A showroom open 9–21 every day, with `bays` bays and `advisors` advisors."""
    showroom = showroom_make(**fields)
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
