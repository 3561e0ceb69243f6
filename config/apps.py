from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The project's top layer as an app, for the one thing that needs its `ready()`: the
    dashboard listens to every app's events (docs/dashboard.md, "Caching and liveness").
    It has no models and no database."""

    name = "config"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from config import dashboard

        dashboard.events_connect()
