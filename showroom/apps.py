from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class ShowroomConfig(DomainAppConfig):
    name = "showroom"
    verbose_name = _("Showroom")
    admin_section = "showroom"
    managers_may_use = True
    api_resources = (
        ApiResource("showrooms", "showrooms/", _("The group's showrooms: contacts and hours")),
        ApiResource("showroom-events", "showroom/events/", _("Showroom events and registrations")),
        ApiResource("test-drives", "showroom/test-drives/", _("Test drives")),
    )
    periodic_jobs = (
        PeriodicJob("showroom-holds-expire", "showroom.tasks.registrations_expire_holds_task", 60),
    )

    def ready(self):
        from common.payables import payable_owner_provide
        from common.showrooms import showroom_names_provide
        from showroom import (
            handlers,  # noqa: F401  (registers the event consumers)
            selectors,
        )

        payable_owner_provide("registration", selectors.registration_payable_report)

        # Every storefront page's contacts show the showrooms as they are now.
        from django.db.models.signals import post_delete, post_save

        from showroom.models import OpeningHours, Showroom, ShowroomHoliday
        from showroom.selectors.showrooms import showroom_names, showrooms_forget

        showroom_names_provide(showroom_names)

        for model in (Showroom, OpeningHours, ShowroomHoliday):
            for signal in (post_save, post_delete):
                signal.connect(showrooms_forget, sender=model)
