from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class IntegrationsConfig(DomainAppConfig):
    name = "integrations"
    verbose_name = _("Integrations")
    api_resources = (
        ApiResource("webhooks", "integrations/webhooks/", _("Webhook subscriptions (admins)")),
    )
    secrets_reencrypt = "integrations.services.subscription_secrets_reencrypt"
    periodic_jobs = (
        PeriodicJob(
            "webhooks-dispatch",
            "integrations.tasks.webhooks_dispatch_task",
            5,
            setting="WEBHOOKS_DISPATCH_INTERVAL_SECONDS",
        ),
        # The classifieds pull their feeds on their own schedule; written hourly at least.
        PeriodicJob(
            "feeds-generate",
            "integrations.tasks.feeds_generate_task",
            3600,
            setting="FEEDS_GENERATE_INTERVAL_SECONDS",
        ),
    )

    def ready(self):
        from integrations import handlers, tasks  # noqa: F401  (the fan-out; tasks by name)
