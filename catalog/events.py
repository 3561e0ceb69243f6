"""Events the catalog emits (docs/architecture.md §3.4)."""

from dataclasses import dataclass
from typing import Annotated

from catalog.models import Product
from common.events import DomainEvent
from common.events.payloads import (
    Currency,
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


# EVENT TYPES
# ------------------------------------------------------------------------------
PRODUCT_CREATED = DomainEvent("product.created", payload=ProductCreated, app_label="catalog")
PRODUCT_UPDATED = DomainEvent("product.updated", payload=ProductUpdated, app_label="catalog")


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
