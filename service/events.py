"""Events the service department emits (docs/architecture.md §3.4; docs/events.md). A booking's
or a work order's payload names no phone, e-mail or name: only ids, numbers, times, money and
statuses."""

from dataclasses import dataclass
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import DateTime, Money, Uuid, described
from service.models import Booking, WarrantyClaim, WorkOrder, WorkOrderLine


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


@dataclass(frozen=True)
class _WorkOrderPayload:
    id: Uuid = described("The work order.")
    number: str = described("Its number, ЗН-<year>-<serial>.")
    showroom_id: Uuid = described("The showroom that does the work.")
    customer_id: Uuid | None = described("The customer's account; null for one without.")
    booking_id: Uuid | None = described("The booking it follows; null for a car driven in.")
    status: str = described("Its status now.")
    customer_total: Money = described("What the customer pays for the lines that count.")
    warranty_total: Money = described("What the warranty pays.")
    internal_total: Money = described("What the dealer bears itself.")
    actor_id: Uuid | None = described("Who acted; null for a customer acting by the link.")


@dataclass(frozen=True)
class WorkOrderOpened(_WorkOrderPayload):
    """An advisor opened a work order (заказ-наряд), a draft until the customer signs it."""


@dataclass(frozen=True)
class WorkOrderStatusChanged(_WorkOrderPayload):
    """A work order moved along its map (docs/state-machines.md, "Work order")."""

    from_status: str = described("Its status before.")


@dataclass(frozen=True)
class _LinePayload:
    id: Uuid = described("The line.")
    work_order_id: Uuid = described("Its work order.")
    kind: str = described("labour or part.")
    pay_type: str = described("customer, warranty or internal.")
    amount: Money = described("Its price.")
    state: str = described("proposed, approved or declined.")
    decided_how: str = described(
        "How the customer's word came: site, link, phone or instruction; empty while proposed."
    )
    number: str = described("Its work order's number, ЗН-<year>-<serial>.", default="")
    customer_id: Uuid | None = described(
        "Its work order's customer's account; null for one without.", default=None
    )


@dataclass(frozen=True)
class WorkOrderLineProposed(_LinePayload):
    """A job found during the work was proposed to the customer (decided at once where their
    advance instruction covers it)."""


@dataclass(frozen=True)
class WorkOrderLineDecided(_LinePayload):
    """The customer approved or declined a proposed job."""


@dataclass(frozen=True)
class _WarrantyClaimPayload:
    id: Uuid = described("The warranty claim.")
    work_order_id: Uuid = described("The work order whose warranty lines it claims.")
    showroom_id: Uuid = described("The showroom that did the work.")
    manufacturer: str = described("The make of the car: whom the claim goes to.")
    amount: Money = described("What the warranty lines cost.")
    status: str = described("open, submitted, accepted, rejected or paid.")
    actor_id: Uuid | None = described("The member of staff who acted.")


@dataclass(frozen=True)
class WarrantyClaimOpened(_WarrantyClaimPayload):
    """A done work order's warranty lines were claimed from the manufacturer."""

    number: str = described("Its work order's number, ЗН-<year>-<serial>.", default="")
    customer_id: Uuid | None = described(
        "Its work order's customer's account; null for one without.", default=None
    )


@dataclass(frozen=True)
class WarrantyClaimStatusChanged(_WarrantyClaimPayload):
    """A warranty claim moved: submitted, accepted, rejected or paid."""

    from_status: str = described("Its status before.")
    number: str = described("Its work order's number, ЗН-<year>-<serial>.", default="")
    customer_id: Uuid | None = described(
        "Its work order's customer's account; null for one without.", default=None
    )


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

WORK_ORDER_OPENED = DomainEvent("work_order.opened", payload=WorkOrderOpened, app_label="service")
WORK_ORDER_STATUS_CHANGED = DomainEvent(
    "work_order.status_changed", payload=WorkOrderStatusChanged, app_label="service"
)
WORK_ORDER_LINE_PROPOSED = DomainEvent(
    "work_order.line_proposed", payload=WorkOrderLineProposed, app_label="service"
)
WORK_ORDER_LINE_DECIDED = DomainEvent(
    "work_order.line_decided", payload=WorkOrderLineDecided, app_label="service"
)

WARRANTY_CLAIM_OPENED = DomainEvent(
    "warranty_claim.opened", payload=WarrantyClaimOpened, app_label="service"
)
WARRANTY_CLAIM_STATUS_CHANGED = DomainEvent(
    "warranty_claim.status_changed", payload=WarrantyClaimStatusChanged, app_label="service"
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


def work_order_payload(work_order: WorkOrder, *, user=None, from_status: str = "") -> dict:
    totals = work_order.totals()
    payload = {
        "id": str(work_order.pk),
        "number": work_order.number,
        "showroom_id": str(work_order.showroom_id),
        "customer_id": None if work_order.customer_id is None else str(work_order.customer_id),
        "booking_id": None if work_order.booking_id is None else str(work_order.booking_id),
        "status": work_order.status,
        "customer_total": str(totals["customer"]),
        "warranty_total": str(totals["warranty"]),
        "internal_total": str(totals["internal"]),
        "actor_id": None if user is None else str(user.pk),
    }
    if from_status:
        payload["from_status"] = from_status
    return payload


def line_payload(line: WorkOrderLine) -> dict:
    return {
        "id": str(line.pk),
        "work_order_id": str(line.work_order_id),
        "kind": line.kind,
        "pay_type": line.pay_type,
        "amount": str(line.amount),
        "state": line.state,
        "decided_how": line.decided_how,
        **_work_order_of(line.work_order),
    }


def _work_order_of(work_order: WorkOrder) -> dict:
    """Whose work order a line or a claim is: its number and its customer's account, which the
    CRM's timeline files it under (docs/events.md, "The CRM's timeline")."""
    customer_id = work_order.customer_id
    return {
        "number": work_order.number,
        "customer_id": None if customer_id is None else str(customer_id),
    }


def warranty_claim_payload(claim: WarrantyClaim, *, user=None, from_status: str = "") -> dict:
    payload = {
        "id": str(claim.pk),
        "work_order_id": str(claim.work_order_id),
        "showroom_id": str(claim.showroom_id),
        "manufacturer": claim.manufacturer,
        "amount": str(claim.amount),
        "status": claim.status,
        "actor_id": None if user is None else str(user.pk),
    }
    if from_status:
        payload["from_status"] = from_status
    return {**payload, **_work_order_of(claim.work_order)}
