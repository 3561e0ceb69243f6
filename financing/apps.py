from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class FinancingConfig(DomainAppConfig):
    name = "financing"
    verbose_name = _("Financing")
    admin_section = "finance"
    managers_may_use = True
    api_resources = (
        ApiResource("loan-applications", "financing/applications/", _("Car loan applications")),
        ApiResource("loan-calculator", "financing/calculator", _("What a loan would cost")),
        ApiResource("partner-banks", "financing/banks/", _("Partner banks and their programmes")),
    )
    secrets_reencrypt = "financing.services.bank_secrets_reencrypt"
    periodic_jobs = (
        PeriodicJob(
            "financing-lender-poll",
            "financing.tasks.lender_poll_task",
            60,
            setting="FINANCING_LENDER_POLL_SECONDS",
        ),
        PeriodicJob(
            "financing-offers-time-out",
            "financing.tasks.offers_time_out_task",
            60,
            setting="FINANCING_OFFERS_TIME_OUT_SECONDS",
        ),
    )

    def ready(self):
        from financing import handlers  # noqa: F401  (registers the event consumers)
