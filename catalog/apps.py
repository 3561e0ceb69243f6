from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class CatalogConfig(DomainAppConfig):
    name = "catalog"
    verbose_name = _("Catalog")
    admin_section = "sales"
    managers_may_use = True
    api_resources = (
        ApiResource("products", "catalog/products/", _("The vehicle catalog")),
        ApiResource("categories", "catalog/categories/", _("Catalog categories, as a tree")),
    )

    def ready(self):
        from catalog import handlers  # noqa: F401  (registers the event consumers)
        from catalog.selectors.locations import cars_unplaced_report
        from common.ops.health import register_component_check

        register_component_check("records:cars_without_showroom", cars_unplaced_report)
