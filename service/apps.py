from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class ServiceConfig(DomainAppConfig):
    name = "service"
    verbose_name = _("Service")
    admin_section = "showroom"
    managers_may_use = True
    api_resources = (
        ApiResource("service-bookings", "service/bookings/", _("Service bookings")),
        ApiResource("service-menus", "service/menus/", _("Maintenance menus")),
    )
    periodic_jobs = (
        # The reminder the day before a booking, and a car's maintenance come due
        # (docs/service.md, "Messages").
        PeriodicJob(
            "service-booking-reminders",
            "service.tasks.booking_reminders_send_task",
            300,
            "SERVICE_REMINDERS_SECONDS",
        ),
        PeriodicJob(
            "service-maintenance-reminders",
            "service.tasks.maintenance_reminders_send_task",
            3600,
            "SERVICE_MAINTENANCE_REMINDERS_SECONDS",
        ),
    )

    def ready(self):
        from common.payables import payable_owner_provide
        from service import (
            handlers,  # noqa: F401  (registers the event consumers)
            selectors,
            tasks,  # noqa: F401  (registers the reminders' tasks)
        )

        payable_owner_provide("work_order", selectors.work_order_payable_report)
