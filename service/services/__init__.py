"""Writes of the service department: its resources in `resources.py`, the phone codes of
anonymous bookers in `codes.py`, the bookings in `bookings.py` (docs/service.md)."""

from service.services.bookings import (
    booking_cancel,
    booking_create,
    booking_id_of_link,
    booking_length,
    booking_link_token,
    booking_reschedule,
    slots_free,
    work_minutes,
)
from service.services.codes import phone_code_check, phone_code_send, phone_code_spend
from service.services.resources import (
    advisor_create,
    bay_create,
    labour_rate_set,
    menu_create,
    operation_create,
    part_create,
)

__all__ = [
    "advisor_create",
    "bay_create",
    "booking_cancel",
    "booking_create",
    "booking_id_of_link",
    "booking_length",
    "booking_link_token",
    "booking_reschedule",
    "labour_rate_set",
    "menu_create",
    "operation_create",
    "part_create",
    "phone_code_check",
    "phone_code_send",
    "phone_code_spend",
    "slots_free",
    "work_minutes",
]
