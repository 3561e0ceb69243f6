from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class NotificationsConfig(DomainAppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    admin_section = "customers"
    managers_may_use = True
    api_resources = (
        ApiResource(
            "notifications",
            "users/me/notifications",
            _("Your notification preferences and what was sent to you"),
        ),
    )
    periodic_jobs = (
        # The reminders that fall due (docs/notifications.md, "Reminders").
        PeriodicJob(
            "notifications-reminders",
            "notifications.tasks.reminders_send_task",
            300,
            "NOTIFICATIONS_REMINDERS_SECONDS",
        ),
    )

    def ready(self):
        from notifications import (  # noqa: F401  (registers the consumers and the tasks)
            handlers,
            tasks,
        )
