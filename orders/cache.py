"""Order detail cached in Redis for five minutes, dropped by every change of the order."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from common.cache import VersionedCache

order_detail_cache = VersionedCache("orders:detail", ttl=300)


def detail_get_or_build(order_id: UUID, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return order_detail_cache.get_or_build(order_id, "detail", build)


def detail_invalidate_after_commit(order_id: UUID) -> None:
    order_detail_cache.invalidate_on_commit(order_id, using="orders")
