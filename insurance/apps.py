from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "insurance"
    verbose_name = "Insurance"

    def ready(self):
        from insurance import handlers  # noqa: F401  (registers the event consumers)
