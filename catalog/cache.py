"""Product list pages cached in Redis for a minute; any catalog write drops them all."""

from common.cache import VersionedCache

product_list_cache = VersionedCache("catalog:products", ttl=60)
SCOPE = "all"


def product_list_get_or_build(url: str, build) -> dict:
    return product_list_cache.get_or_build(SCOPE, url, build)


def product_list_invalidate_after_commit() -> None:
    product_list_cache.invalidate_on_commit(SCOPE, using="catalog")
