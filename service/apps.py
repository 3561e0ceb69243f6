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
        from common.payables import payable_owner_provide
        from service import handlers  # noqa: F401  (registers the event consumers)
        from service import selectors

        payable_owner_provide("work_order", selectors.work_order_payable_report)
