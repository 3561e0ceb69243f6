"""Events the service department emits (docs/architecture.md §3.4; docs/events.md). A booking's
payload names no phone, e-mail or name: only ids, times and its status."""

from dataclasses import dataclass
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import DateTime, Uuid, described
from service.models import Booking


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _BookingPayload:
    """The fields every service booking payload carries, in order."""

    id: Uuid = described("The service booking.")
    showroom_id: Uuid = described("The showroom the car is booked into.")
    customer_id: Uuid | None = described(
        "The customer's user account; null for a booker who was not signed in."
    )
    bay_id: Uuid = described("The service bay booked.")
    advisor_id: Uuid = described("The service advisor assigned.")
    menu_id: Uuid | None = described("The maintenance menu booked; null for a complaint.")
    start_time: DateTime = described("When the car is expected.")
    end_time: DateTime = described("When the bay is booked until.")
    status: str = described("Each type below declares its own.")


@dataclass(frozen=True)
class ServiceBookingCreated(_BookingPayload):
    """A car was booked into a service bay."""

    status: Literal["booked"] = described("The booking's status: booked.")


@dataclass(frozen=True)
class ServiceBookingRescheduled(_BookingPayload):
    """A service booking moved to another time (and perhaps another bay or advisor)."""

    status: Literal["booked"] = described("The booking's status: booked.")


@dataclass(frozen=True)
class ServiceBookingCancelled(_BookingPayload):
    """A service booking was cancelled and its bay's time freed."""

    status: Literal["cancelled"] = described("The booking's status: cancelled.")


# EVENT TYPES
# ------------------------------------------------------------------------------
SERVICE_BOOKING_CREATED = DomainEvent(
    "service_booking.created", payload=ServiceBookingCreated, app_label="service"
)
SERVICE_BOOKING_RESCHEDULED = DomainEvent(
    "service_booking.rescheduled", payload=ServiceBookingRescheduled, app_label="service"
)
SERVICE_BOOKING_CANCELLED = DomainEvent(
    "service_booking.cancelled", payload=ServiceBookingCancelled, app_label="service"
)


def booking_payload(booking: Booking) -> dict:
    return {
        "id": str(booking.pk),
        "showroom_id": str(booking.showroom_id),
        "customer_id": None if booking.customer_id is None else str(booking.customer_id),
        "bay_id": str(booking.bay_id),
        "advisor_id": str(booking.advisor_id),
        "menu_id": None if booking.menu_id is None else str(booking.menu_id),
        "start_time": booking.start_time.isoformat(),
        "end_time": booking.end_time.isoformat(),
        "status": booking.status,
    }
