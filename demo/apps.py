from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`manage.py seed_demo`. No models and no database: the demo's records are the apps'."""

    name = "demo"
