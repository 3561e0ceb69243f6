from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class ServiceConfig(DomainAppConfig):
    name = "service"
    verbose_name = _("Service")
    admin_section = "showroom"
    managers_may_use = True
    api_resources = (
        ApiResource("service-bookings", "service/bookings/", _("Service bookings")),
        ApiResource("service-menus", "service/menus/", _("Maintenance menus")),
    )

    def ready(self):
        from service import handlers  # noqa: F401  (registers the event consumers)
