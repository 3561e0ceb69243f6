"""Events the orders domain emits (docs/architecture.md §3.4)."""

from dataclasses import dataclass
from typing import Annotated, Literal

from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    Money,
    Schema,
    Uuid,
    described,
)
from orders.models import Order


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrderCreatedItem:
    """One ordered product (`OrderCreated.items`)."""

    product_id: Uuid = described("The catalog product.")
    quantity: Annotated[int, Schema(minimum=1)] = described("Units ordered.")


@dataclass(frozen=True)
class OrderCreated:
    """A customer placed an order; its stock is reserved and it waits for payment."""

    id: Uuid = described("The order.")
    customer_id: Uuid = described("The customer's user account.")
    status: Literal["pending"] = described("The order's status: always pending when placed.")
    sequence: Annotated[int, Schema(minimum=1)] = described(
        "The order's change counter: higher is newer."
    )
    total_amount: Money = described(
        "The order's total: a decimal amount as a string, two decimals."
    )
    paid_amount: Money = described(
        "What payments has captured for the order, net of refunds: a decimal amount as a "
        "string, two decimals."
    )
    currency: Currency = described("ISO 4217 code of the order's currency, e.g. RUB.")
    items: Annotated[list[OrderCreatedItem], Schema(minItems=1)] = described(
        "The ordered products, each with its quantity."
    )
    number: Annotated[str, Schema(maxLength=24)] = described(
        "The order's number as the buyer reads it (А-2026-000123); `id` stays the one to "
        "refer to it by. Omitted by events stored before it was added.",
        default="",
    )
    showroom_id: Uuid | None = described(
        "The showroom that sells it, its car's (docs/showrooms.md); null for an order of the "
        "group's (accessories alone). Omitted by events stored before it was added.",
        default=None,
    )
    source: Annotated[str, Schema(maxLength=40)] = described(
        'Where the buyer came from (docs/feeds.md, "Sources"): avito, autoru, yandex, '
        "google, another campaign's utm_source or referring host, or direct. Omitted by "
        "events stored before it was added.",
        default="direct",
    )


@dataclass(frozen=True)
class _OrderPayload:
    """The fields every order payload below carries, in order."""

    id: Uuid = described("The order.")
    customer_id: Uuid = described("The customer's user account.")
    status: Literal["pending", "paid", "processing", "completed", "cancelled"] = described(
        "The order's new status: pending again when money went back below its total."
    )
    sequence: Annotated[int, Schema(minimum=1)] = described(
        "The order's change counter: higher is newer."
    )
    total_amount: Money = described(
        "The order's total: a decimal amount as a string, two decimals."
    )
    paid_amount: Money = described(
        "What payments has captured for the order, net of refunds: a decimal amount as a "
        "string, two decimals."
    )
    currency: Currency = described("ISO 4217 code of the order's currency, e.g. RUB.")
    from_status: Literal["pending", "paid", "processing"] = described("The status the order left.")
    reason: str = described(
        "Why the status changed, as the person or system gave it; may be empty."
    )
    number: Annotated[str, Schema(maxLength=24)] = described(
        "The order's number as the buyer reads it (А-2026-000123); `id` stays the one to "
        "refer to it by. Omitted by events stored before it was added.",
        default="",
    )


@dataclass(frozen=True)
class OrderStatusChanged(_OrderPayload):
    """An order moved along its lifecycle (paid, processing, completed or cancelled)."""


@dataclass(frozen=True)
class OrderCancelled(_OrderPayload):
    """An order was cancelled: its stock goes back, its payments are refunded and its open
    financing and insurance quotes end."""

    status: Literal["cancelled"] = described("The order's new status: cancelled.")
    from_status: Literal["pending", "paid", "processing"] = described("The status the order left.")


# EVENT TYPES
# ------------------------------------------------------------------------------
ORDER_CREATED = DomainEvent("order.created", payload=OrderCreated, app_label="orders")
ORDER_STATUS_CHANGED = DomainEvent(
    "order.status_changed", payload=OrderStatusChanged, app_label="orders"
)
ORDER_CANCELLED = DomainEvent("order.cancelled", payload=OrderCancelled, app_label="orders")


def order_payload(order: Order, **extra) -> dict:
    return {
        "id": str(order.pk),
        "number": order.number,
        "customer_id": str(order.customer_id),
        "status": order.status,
        "sequence": order.sequence,
        "total_amount": str(order.total_amount),
        "paid_amount": str(order.paid_amount),
        "currency": order.currency,
        **extra,
    }
