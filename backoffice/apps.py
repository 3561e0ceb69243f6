from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The dashboard listens to every app's events from its `ready()` (docs/dashboard.md,
    "Caching and liveness"). No models and no database; the label stays `dashboard`, the
    name its permissions and translations have always had."""

    name = "backoffice"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from backoffice import dashboard

        dashboard.events_connect()
