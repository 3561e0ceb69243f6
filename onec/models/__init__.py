"""Models of the exchange with 1C; they live in the `onec` database. Orders, products and
showrooms belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

from onec.models.exchange import (
    ExchangeAccount,
    ExchangeFile,
    ExchangeSession,
    FileBatch,
    FileChunk,
    InboxEvent,
    OutboxEvent,
    Refusal,
)
from onec.models.records import (
    Good,
    GroupMapping,
    OrderExport,
    PriceTypeMapping,
    PropertyMapping,
    StatusMapping,
    WarehouseMapping,
)

__all__ = [
    "ExchangeAccount",
    "ExchangeFile",
    "ExchangeSession",
    "FileBatch",
    "FileChunk",
    "Good",
    "GroupMapping",
    "InboxEvent",
    "OrderExport",
    "OutboxEvent",
    "PriceTypeMapping",
    "PropertyMapping",
    "Refusal",
    "StatusMapping",
    "WarehouseMapping",
]
