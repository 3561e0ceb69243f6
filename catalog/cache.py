"""Product list pages cached in Redis for a minute (docs/api.md, "Lists"). A change of what a product shows drops every page; a change of stock only
(orders flowing) drops only the pages whose rows depend on stock (`?in_stock=`, ordering by
stock), and the other pages show current stock through one small read instead."""

from common.cache import VersionedCache

product_list_cache = VersionedCache("catalog:products", ttl=60)
SCOPE = "all"
STOCK_SCOPE = "stock"  # pages whose rows or their order depend on stock


def product_list_get_or_build(url: str, build, *, stock_dependent: bool) -> tuple[dict, bool]:
    """The page, and whether it was built just now (its stock is then current)."""
    built = []

    def tracked():
        built.append(True)
        return build()

    body = product_list_cache.get_or_build(STOCK_SCOPE if stock_dependent else SCOPE, url, tracked)
    return body, bool(built)


def product_list_invalidate_after_commit() -> None:
    """A product or a category changed: every page goes."""
    product_list_cache.invalidate_on_commit(SCOPE, using="catalog")
    product_list_cache.invalidate_on_commit(STOCK_SCOPE, using="catalog")


def product_stock_changed_after_commit() -> None:
    """Only stock changed: the pages that depend on stock go; the others read it afresh."""
    product_list_cache.invalidate_on_commit(STOCK_SCOPE, using="catalog")
