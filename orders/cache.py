"""Order detail cached in Redis for five minutes, dropped by every change of the order."""

from common.cache import VersionedCache

order_detail_cache = VersionedCache("orders:detail", ttl=300)


def detail_get_or_build(order_id, build) -> dict:
    return order_detail_cache.get_or_build(order_id, "detail", build)


def detail_invalidate_after_commit(order_id) -> None:
    order_detail_cache.invalidate_on_commit(order_id, using="orders")
