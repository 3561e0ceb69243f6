"""Writes of the service department: its resources in `resources.py`, the phone codes of
anonymous bookers in `codes.py`, the bookings in `bookings.py`, the work orders in
`work_orders.py` and their lines in `work_order_lines.py` (docs/service.md)."""

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
from service.services.papers import acceptance_photo_add, papers_issue
from service.services.resources import (
    advisor_create,
    bay_create,
    labour_rate_set,
    menu_create,
    operation_create,
    part_create,
)
from service.services.stock import stock_receive
from service.services.warranty import warranty_claim_move
from service.services.work_order_lines import line_add, line_decide, line_done
from service.services.work_orders import (
    work_order_balance_allow,
    work_order_cancel,
    work_order_close,
    work_order_complete,
    work_order_hand_over,
    work_order_id_of_link,
    work_order_link_token,
    work_order_open,
    work_order_paid,
    work_order_sign,
    work_order_start,
    work_order_update,
)

__all__ = [
    "acceptance_photo_add",
    "advisor_create",
    "bay_create",
    "booking_cancel",
    "booking_create",
    "booking_id_of_link",
    "booking_length",
    "booking_link_token",
    "booking_reschedule",
    "labour_rate_set",
    "line_add",
    "line_decide",
    "line_done",
    "menu_create",
    "operation_create",
    "papers_issue",
    "part_create",
    "phone_code_check",
    "phone_code_send",
    "phone_code_spend",
    "slots_free",
    "stock_receive",
    "warranty_claim_move",
    "work_minutes",
    "work_order_balance_allow",
    "work_order_cancel",
    "work_order_close",
    "work_order_complete",
    "work_order_hand_over",
    "work_order_id_of_link",
    "work_order_link_token",
    "work_order_open",
    "work_order_paid",
    "work_order_sign",
    "work_order_start",
    "work_order_update",
]
