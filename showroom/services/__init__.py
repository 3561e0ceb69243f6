"""Writes of the showroom: events and their registrations, resources and their allocations,
test drives, and the showrooms themselves (`places.py`). Every state change goes through a transition map (showroom/choices.py) under
the row lock that serialises it: an event's for its seats, a resource's for its time, and a
person's own lock for their test drives. Events, their categories and registrations in
`open_days.py`, resources and their types in `resources.py`, their bookings in
`allocations.py`, test drives in `drives.py`."""

from showroom.services.allocations import allocation_create, allocation_release
from showroom.services.drives import (
    test_drive_book,
    test_drive_cancel,
    test_drive_outcome_set,
    test_drive_reschedule,
    test_drive_slots_free,
    test_drives_cancel_upcoming,
)
from showroom.services.open_days import (
    category_create,
    event_cancel,
    event_create,
    event_update,
    registration_cancel,
    registration_create,
    registration_paid,
    registrations_cancel_upcoming,
    registrations_expire_holds,
)
from showroom.services.places import showroom_save
from showroom.services.resources import (
    resource_create,
    resource_delete,
    resource_type_create,
    resource_update,
)

__all__ = [
    "allocation_create",
    "allocation_release",
    "category_create",
    "event_cancel",
    "event_create",
    "event_update",
    "registration_cancel",
    "registration_create",
    "registration_paid",
    "registrations_cancel_upcoming",
    "registrations_expire_holds",
    "resource_create",
    "resource_delete",
    "resource_type_create",
    "resource_update",
    "showroom_save",
    "test_drive_book",
    "test_drive_cancel",
    "test_drive_outcome_set",
    "test_drive_reschedule",
    "test_drive_slots_free",
    "test_drives_cancel_upcoming",
]
