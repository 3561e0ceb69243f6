"""The catalog's figures for the dashboard: aggregated in SQL on the `catalog` database,
one query per figure (docs/dashboard.md, "What each figure counts")."""

from typing import TypedDict
from uuid import UUID

from catalog.models import Product


class LowStock(TypedDict):
    id: UUID
    name: str
    vin: str | None
    stock_quantity: int


def low_stock(*, threshold: int, limit: int = 20) -> list[LowStock]:
    """Active products with `threshold` or fewer in stock, the scarcest first. One query.
    Stock belongs to the dealership, not to a manager's clients: everyone sees the same."""
    rows = (
        Product.objects.filter(is_active=True, stock_quantity__lte=threshold)
        .order_by("stock_quantity", "name", "id")
        .values("id", "name", "vin", "stock_quantity")[:limit]
    )
    return list(rows)
