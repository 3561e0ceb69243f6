"""Models of the service department; they live in the `service` database. Showrooms, users and
vehicles belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

from service.models.resources import (
    Advisor,
    Bay,
    Booking,
    InboxEvent,
    LabourRate,
    MaintenanceMenu,
    MenuPart,
    Operation,
    OutboxEvent,
    Part,
    PartStock,
    PhoneCode,
    TsTzRange,
)
from service.models.work_orders import AcceptancePhoto, WarrantyClaim, WorkOrder, WorkOrderLine

__all__ = [
    "AcceptancePhoto",
    "Advisor",
    "Bay",
    "Booking",
    "InboxEvent",
    "LabourRate",
    "MaintenanceMenu",
    "MenuPart",
    "Operation",
    "OutboxEvent",
    "Part",
    "PartStock",
    "PhoneCode",
    "TsTzRange",
    "WarrantyClaim",
    "WorkOrder",
    "WorkOrderLine",
]
