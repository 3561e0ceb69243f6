"""The group's showrooms as places (docs/showrooms.md): saved with their event, so that the
apps that place things in them (the catalog's cars) know each by its name and city."""

from django.db import transaction

from showroom import events
from showroom.models import Showroom

DB = "showroom"


def showroom_save(*, showroom: Showroom) -> Showroom:
    """Add `showroom` or save its changes, with `showroom.created` or `showroom.updated` in the
    same transaction."""
    created = showroom._state.adding
    with transaction.atomic(using=DB):
        showroom.save(using=DB)
        event = events.SHOWROOM_CREATED if created else events.SHOWROOM_UPDATED
        event.emit(aggregate_id=showroom.pk, payload=events.showroom_payload(showroom))
    return showroom
