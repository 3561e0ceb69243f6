from django.apps import AppConfig


class ShowroomConfig(AppConfig):
    name = "showroom"
    verbose_name = "Showroom"

    def ready(self):
        from showroom import handlers  # noqa: F401  (registers the event consumers)
