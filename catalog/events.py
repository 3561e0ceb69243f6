"""Events the catalog emits (docs/architecture.md §3.4)."""

from dataclasses import dataclass
from typing import Annotated

from catalog.models import Product, VehicleTransfer
from common.events import DomainEvent
from common.events.payloads import (
    Currency,
    DateTime,
    DecimalString,
    NonEmpty,
    Schema,
    Uuid,
    described,
)


# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _ProductPayload:
    """The fields every product payload below carries, in order."""

    id: Uuid = described("The product.")
    name: NonEmpty = described("The product's name.")
    price: DecimalString = described(
        "The unit price: a decimal amount as a string (two decimals when it came from the "
        "database or the API)."
    )
    currency: Currency = described("ISO 4217 code of the price's currency, e.g. RUB.")
    stock_quantity: int = described("Units on hand and not reserved by orders.")
    category_id: Uuid = described("The product's catalog category.")
    is_active: bool = described("False once the product is withdrawn from sale.")
    make: str = described("The vehicle's make; may be empty.")
    model: str = described("The vehicle's model; may be empty.")
    year: Annotated[int, Schema(minimum=1886, maximum=2100)] | None = described(
        "The vehicle's model year, or null when not a vehicle or not known."
    )
    vin: Annotated[str, Schema(minLength=1, maxLength=17)] | None = described(
        "The vehicle's VIN, upper-case, or null when it has none."
    )


@dataclass(frozen=True)
class ProductCreated(_ProductPayload):
    """A product was added to the catalog."""


@dataclass(frozen=True)
class ProductUpdated(_ProductPayload):
    """A product's details, price, stock on hand or availability changed."""


@dataclass(frozen=True)
class VehicleTransferred:
    """A car was moved from one showroom of the group to another (docs/showrooms.md)."""

    id: Uuid = described("The transfer.")
    vehicle_id: Uuid = described("The car (a catalog product).")
    from_showroom_id: Uuid | None = described("Where it stood, or null if it stood nowhere yet.")
    to_showroom_id: Uuid = described("Where it stands now.")
    to_city: NonEmpty = described("The city of the showroom it stands in now.")
    transferred_by: Uuid = described("The member of staff who moved it.")
    transferred_at: DateTime = described("When (a date and time).")


# EVENT TYPES
# ------------------------------------------------------------------------------
PRODUCT_CREATED = DomainEvent("product.created", payload=ProductCreated, app_label="catalog")
PRODUCT_UPDATED = DomainEvent("product.updated", payload=ProductUpdated, app_label="catalog")
VEHICLE_TRANSFERRED = DomainEvent(
    "vehicle.transferred", payload=VehicleTransferred, app_label="catalog"
)


def product_payload(product: Product) -> dict:
    return {
        "id": str(product.pk),
        "name": product.name,
        "price": str(product.price),
        "currency": product.currency,
        "stock_quantity": product.stock_quantity,
        "category_id": str(product.category_id),
        "is_active": product.is_active,
        "make": product.make,
        "model": product.model,
        "year": product.year,
        "vin": product.vin,
    }


def transfer_payload(transfer: VehicleTransfer, city: str) -> dict:
    return {
        "id": str(transfer.pk),
        "vehicle_id": str(transfer.product_id),
        "from_showroom_id": str(transfer.from_showroom_id) if transfer.from_showroom_id else None,
        "to_showroom_id": str(transfer.to_showroom_id),
        "to_city": city,
        "transferred_by": str(transfer.transferred_by_id),
        "transferred_at": transfer.transferred_at.isoformat(),
    }
