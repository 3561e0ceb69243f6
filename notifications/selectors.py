"""Reads of the notifications domain, scoped to who asks."""

from django.db.models import QuerySet

from common.types import Actor
from notifications.models import Delivery, Preference


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
