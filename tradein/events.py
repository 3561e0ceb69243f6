"""Events the trade-in domain emits (docs/events.md)."""

from dataclasses import dataclass
from typing import Literal

from common.events import DomainEvent
from common.events.payloads import Currency, Money, Uuid, described
from tradein.models import TradeIn


@dataclass(frozen=True)
class TradeInStatusChanged:
    """A trade-in moved along its lifecycle (docs/tradein.md). Accepted, it is a credit the
    order expects; inspected, the credit is final and payments records it; offered again
    (lowered at inspection), declined, expired or withdrawn, the order expects none."""

    id: Uuid = described("The trade-in.")
    customer_id: Uuid = described("The customer whose old car it is.")
    order_id: Uuid | None = described("The order it is credited to, if any.")
    status: Literal[
        "submitted",
        "offered",
        "accepted",
        "inspected",
        "completed",
        "declined",
        "expired",
        "withdrawn",
    ] = described("Its new status.")
    amount: Money | None = described(
        "What the dealership pays for the car: the offer, or the amount confirmed at "
        "inspection; a decimal amount as a string."
    )
    currency: Currency = described("ISO 4217 code of the amount's currency, e.g. RUB.")
    vin: str = described("The old car's VIN.")
    make: str = described("Its make.")
    model: str = described("Its model.")
    year: int = described("Its model year.")


TRADE_IN_STATUS_CHANGED = DomainEvent(
    "trade_in.status_changed", payload=TradeInStatusChanged, app_label="tradein"
)


def trade_in_payload(trade_in: TradeIn) -> dict:
    return {
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
