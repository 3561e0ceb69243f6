from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The buyers' website (docs/storefront.md): no database of its own; it reads and writes
    through the domain apps' selectors and services, as the API does."""

    name = "storefront"
    verbose_name = _("Storefront")
