"""Events the catalog emits (docs/architecture.md §3.4)."""

from catalog.models import Product
from common.events import DomainEvent

PRODUCT_CREATED = DomainEvent("product.created", app_label="catalog")
PRODUCT_UPDATED = DomainEvent("product.updated", app_label="catalog")


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
