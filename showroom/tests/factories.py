"""Showroom test data, made through the services."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from showroom import services
from showroom.choices import EventStatus
from showroom.models import Allocation, OpeningHours, Showroom, ShowroomHoliday, TestDrive


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    """Tomorrow at that time of day in the dealership's time zone (Django's TIME_ZONE)."""
    day = timezone.localdate() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def event_make(*, capacity=10, price=None, waitlist_enabled=True, status=EventStatus.PUBLISHED):
    return services.event_create(
        user=None,
        title="Model launch",
        description="The new crossover, first drives",
        start_date=tomorrow_at(10),
        end_date=tomorrow_at(18),
        location="Showroom floor",
        capacity=capacity,
        price=price,
        waitlist_enabled=waitlist_enabled,
        status=status,
    )


def resource_make(*, name="Demo car", quantity=1, vehicle_id=None, opens_at=time(8), showroom=None):
    kind = services.resource_type_create(name=f"Type for {name} {timezone.now().timestamp()}")
    return services.resource_create(
        name=name,
        type_id=kind.pk,
        quantity=quantity,
        opens_at=opens_at,
        closes_at=time(20),
        vehicle_id=vehicle_id,
        showroom_id=showroom.pk if showroom else None,
    )


# A showroom two hours ahead of Moscow, listed after Moscow's though its city comes first.
YEKATERINBURG = {
    "name": "Автосалон на Космонавтов",
    "city": "Екатеринбург",
    "address": "проспект Космонавтов, 108",
    "phone": "+7 343 222-33-44",
    "time_zone": "Asia/Yekaterinburg",
    "position": 1,
}


def showroom_make(*, hours=((time(9), time(21)),) * 7, holidays=(), **fields) -> Showroom:
    """A showroom open `hours` (Monday first; None a day off), with `holidays` of
    (date, opens, closes)."""
    details = {
        "name": f"Автосалон {uuid.uuid4().hex[:6]}",
        "city": "Москва",
        "address": "Ленинградское шоссе, 16",
        "phone": "+7 495 123-45-67",
        **fields,
    }
    showroom = services.showroom_save(showroom=Showroom(**details))
    for weekday, day_hours in enumerate(hours, start=1):
        if day_hours:
            OpeningHours.objects.create(
                showroom=showroom, weekday=weekday, opens_at=day_hours[0], closes_at=day_hours[1]
            )
    for day, opens, closes in holidays:
        ShowroomHoliday.objects.create(
            showroom=showroom, date=day, opens_at=opens, closes_at=closes
        )
    return showroom


def drive_make(user, *, start=None, hours=1, vehicle_id=None) -> TestDrive:
    """A booked test drive of a new demo car (of `vehicle_id`, or of a vehicle of its own):
    tomorrow at 10:00 unless `start` says otherwise."""
    vehicle_id = vehicle_id or uuid.uuid4()
    resource_make(name=f"Demo {vehicle_id}", vehicle_id=vehicle_id)
    start = start or tomorrow_at(10)
    return services.test_drive_book(
        user=user, vehicle_id=vehicle_id, start_time=start, end_time=start + timedelta(hours=hours)
    )


def started_drive_make(user, *, minutes_ago=30) -> TestDrive:
    """A booked test drive that began `minutes_ago`: booked through the service, which books
    only slots still to come, then its times (and its allocation's) moved back directly."""
    drive = drive_make(user)
    shift = drive.start_time - (timezone.now() - timedelta(minutes=minutes_ago))
    for model, pk in ((TestDrive, drive.pk), (Allocation, drive.allocation_id)):
        row = model.objects.get(pk=pk)
        model.objects.filter(pk=pk).update(
            start_time=row.start_time - shift, end_time=row.end_time - shift
        )
    drive.refresh_from_db()
    return drive
