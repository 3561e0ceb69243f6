"""Events the trade-in domain emits, one per step of its lifecycle (docs/tradein.md,
docs/events.md). Payments, orders, notifications and the CRM read them from the payload
alone."""

from dataclasses import dataclass
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import Currency, DateTime, Money, Uuid, described
from tradein.choices import TradeInStatus
from tradein.models import TradeIn


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TradeInPayload:
    """The fields every trade-in payload below carries, in order."""

    id: Uuid = described("The trade-in.")
    customer_id: Uuid = described("The customer whose old car it is.")
    order_id: Uuid | None = described("The order it is credited to, if any.")
    status: str = described("Each type below declares its own.")
    amount: Money | None = described(
        "What the dealership pays for the car: the offer, or the amount confirmed at "
        "inspection; a decimal amount as a string. None before the first offer."
    )
    currency: Currency = described("ISO 4217 code of the amount's currency, e.g. RUB.")
    vin: str = described("The old car's VIN.")
    make: str = described("Its make.")
    model: str = described("Its model.")
    year: int = described("Its model year.")


@dataclass(frozen=True)
class TradeInSubmitted(TradeInPayload):
    """A customer asked for their old car to be appraised."""

    status: Literal["submitted"] = described("The trade-in's status: submitted.")


@dataclass(frozen=True)
class TradeInOffered(TradeInPayload):
    """The dealership offers `amount` until `valid_until`: after the appraisal (under four
    eyes above TRADEIN_SECOND_APPROVAL_ABOVE), or again, lower, after an inspection. The
    order expects no credit until the customer accepts."""

    status: Literal["offered"] = described("The trade-in's status: offered.")
    valid_until: DateTime = described("Until when the customer may accept it.")
    lowered_at_inspection: bool = described("True when the inspection lowered an accepted amount.")


@dataclass(frozen=True)
class TradeInAccepted(TradeInPayload):
    """The customer accepted the offer: a credit the order expects, not yet money."""

    status: Literal["accepted"] = described("The trade-in's status: accepted.")


@dataclass(frozen=True)
class TradeInInspected(TradeInPayload):
    """Staff saw the car at handover and confirmed `amount`: payments records it as the
    order's `trade_in_credit`, once."""

    status: Literal["inspected"] = described("The trade-in's status: inspected.")
    inspected_mileage_km: int = described("The mileage staff read at the inspection.")


@dataclass(frozen=True)
class TradeInCompleted(TradeInPayload):
    """The new car's order completed and the old car entered the catalog as used stock."""

    status: Literal["completed"] = described("The trade-in's status: completed.")
    stock_product_id: Uuid = described("The used vehicle in the catalog.")


@dataclass(frozen=True)
class TradeInCancelled(TradeInPayload):
    """The trade-in ended without the car changing hands: the customer declined the offer or
    withdrew, or the offer expired. The order expects no credit from it."""

    status: Literal["declined", "expired", "withdrawn"] = described("How it ended.")


# EVENT TYPES
# ------------------------------------------------------------------------------
TRADE_IN_SUBMITTED = DomainEvent(
    "trade_in.submitted", payload=TradeInSubmitted, app_label="tradein"
)
TRADE_IN_OFFERED = DomainEvent("trade_in.offered", payload=TradeInOffered, app_label="tradein")
TRADE_IN_ACCEPTED = DomainEvent("trade_in.accepted", payload=TradeInAccepted, app_label="tradein")
TRADE_IN_INSPECTED = DomainEvent(
    "trade_in.inspected", payload=TradeInInspected, app_label="tradein"
)
TRADE_IN_COMPLETED = DomainEvent(
    "trade_in.completed", payload=TradeInCompleted, app_label="tradein"
)
TRADE_IN_CANCELLED = DomainEvent(
    "trade_in.cancelled", payload=TradeInCancelled, app_label="tradein"
)

# The event each status is announced by.
S = TradeInStatus
BY_STATUS = {
    S.SUBMITTED: TRADE_IN_SUBMITTED,
    S.OFFERED: TRADE_IN_OFFERED,
    S.ACCEPTED: TRADE_IN_ACCEPTED,
    S.INSPECTED: TRADE_IN_INSPECTED,
    S.COMPLETED: TRADE_IN_COMPLETED,
    S.DECLINED: TRADE_IN_CANCELLED,
    S.EXPIRED: TRADE_IN_CANCELLED,
    S.WITHDRAWN: TRADE_IN_CANCELLED,
}
TYPES = sorted({event.type for event in BY_STATUS.values()})


def trade_in_emit(trade_in: TradeIn) -> None:
    """Announce the trade-in's current status, with the fields its type adds."""
    payload: dict[str, object] = {
        "id": str(trade_in.pk),
        "customer_id": str(trade_in.customer_id),
        "order_id": str(trade_in.order_id) if trade_in.order_id else None,
        "status": trade_in.status,
        "amount": f"{trade_in.offer_amount:.2f}" if trade_in.offer_amount else None,
        "currency": trade_in.currency,
        "vin": trade_in.vin,
        "make": trade_in.make,
        "model": trade_in.model,
        "year": trade_in.year,
    }
    if trade_in.status == S.OFFERED:
        until = trade_in.offer_valid_until
        payload["valid_until"] = until.isoformat() if until else None
        payload["lowered_at_inspection"] = trade_in.inspected_at is not None
    elif trade_in.status == S.INSPECTED:
        payload["inspected_mileage_km"] = trade_in.inspected_mileage_km
    elif trade_in.status == S.COMPLETED:
        payload["stock_product_id"] = str(trade_in.stock_product_id)
    BY_STATUS[S(trade_in.status)].emit(aggregate_id=trade_in.pk, payload=payload)
