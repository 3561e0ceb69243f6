"""Reads of the notifications domain, scoped to who asks, and the quiet hours of a recipient
(docs/notifications.md, "Channels")."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from common.types import Actor, Id
from notifications.models import Delivery, Preference

DB = "notifications"


def preference_get(*, user: Actor) -> Preference:
    """The customer's preferences: the defaults until they change one."""
    return Preference.objects.filter(pk=user.pk).first() or Preference(user_id=user.pk)


def delivery_list(*, user: Actor) -> QuerySet[Delivery]:
    """What was sent to the customer, or held back, newest first: their own only."""
    return Delivery.objects.filter(user_id=user.pk).order_by("-created_at")


def masked(address: str) -> str:
    """An address as a list shows it: `an***@example.com`, `+7 *** *** 45 67`."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:2]}***@{domain}"
    return f"{address[:2]} *** *** {address[-4:-2]} {address[-2:]}" if len(address) > 6 else "***"


def quiet_hours_zone(*, user_id: Id | None, time_zone: str = "") -> str:
    """The zone a recipient's quiet hours are kept in: a customer's preference (the
    dealership's until they choose one); for a person of no account, `time_zone` (the
    showroom's they booked), else the dealership's."""
    if user_id is not None:
        chosen = (
            Preference.objects.using(DB)
            .filter(pk=user_id)
            .values_list("time_zone", flat=True)
            .first()
        )
        return chosen or settings.TIME_ZONE
    return time_zone or settings.TIME_ZONE


def in_quiet_hours(*, zone: str, now: datetime | None = None) -> bool:
    """Whether `now` falls in the quiet hours (no SMS from 21:00 to 09:00) on `zone`'s clock:
    what a reminder that may wait waits out (docs/service.md, "Messages")."""
    start, end = settings.NOTIFICATIONS_QUIET_HOURS
    hour = (now or timezone.now()).astimezone(ZoneInfo(zone)).hour
    return hour >= start or hour < end


def deliveries_about(*, showroom_id: Id) -> QuerySet[Delivery]:
    """What was told about a showroom's records that belong to no order (a service booking),
    to an account or to a person of none, newest first: what its staff see beside their
    orders' (docs/notifications.md, "Without an account")."""
    return Delivery.objects.using(DB).filter(showroom_id=showroom_id).order_by("-created_at")
