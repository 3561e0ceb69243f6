from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class TradeinConfig(DomainAppConfig):
    name = "tradein"
    verbose_name = _("Trade-in")
    admin_section = "sales"
    managers_may_use = True
    api_resources = (
        ApiResource("trade-ins", "trade-ins/", _("Your old car appraised and credited")),
    )
    periodic_jobs = (
        PeriodicJob(
            "tradein-offers-expire",
            "tradein.tasks.offers_expire_task",
            600,
            "TRADEIN_EXPIRE_SECONDS",
        ),
    )

    def ready(self):
        from tradein import (  # noqa: F401  (registers the consumers and the tasks)
            handlers,
            tasks,
        )
