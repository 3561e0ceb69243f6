from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "financing"
    verbose_name = "Financing"

    def ready(self):
        from financing import handlers  # noqa: F401  (registers the event consumers)
