"""Showroom test data, made through the services."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from showroom import services
from showroom.choices import EventStatus


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = timezone.now().date() + timedelta(days=1)
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


def resource_make(*, name="Demo car", quantity=1, vehicle_id=None):
    kind = services.resource_type_create(name=f"Type for {name} {timezone.now().timestamp()}")
    return services.resource_create(
        name=name,
        type_id=kind.pk,
        quantity=quantity,
        opens_at=time(8),
        closes_at=time(20),
        vehicle_id=vehicle_id,
    )
