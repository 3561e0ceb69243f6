"""`/sitemap.xml` (docs/storefront.md, "Search engines"): the storefront's own pages and every
car on sale, in pages of 50,000 (`?p=2`), as Django's sitemap view pages them."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog import selectors as catalog


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["storefront:home", "storefront:cars", "storefront:privacy"]

    def location(self, item: str) -> str:
        return reverse(item)


class CarsSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> Any:
        return catalog.vehicles_for_sitemap()

    def location(self, item: Any) -> str:
        return reverse("storefront:car", args=[item.pk])

    def lastmod(self, item: Any) -> Any:
        return item.updated_at


SITEMAPS = {"pages": PagesSitemap, "cars": CarsSitemap}
