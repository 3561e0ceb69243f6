"""System checks on the registry of domain apps (common/registry.py): what an app declares must
exist, so that a slip shows at `manage.py check` rather than in production."""

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.apps.config import AppConfig
from django.conf import settings
from django.core import checks
from django.urls import Resolver404, resolve

from common.registry import DomainAppConfig, domain_apps

# The catch-all that answers an unknown API path with the error envelope (config/urls.py).
API_NOT_FOUND = "api-not-found"


@checks.register()
def domain_apps_declared(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for app in settings.DOMAIN_APPS:
        if not isinstance(apps.get_app_config(app), DomainAppConfig):
            errors.append(
                checks.Error(
                    f"{app} is in DOMAIN_APPS, but its AppConfig is not a DomainAppConfig",
                    id="autosalon.E001",
                )
            )
    for config in domain_apps():
        if config.alias() not in settings.DATABASES:
            errors.append(
                checks.Error(
                    f"{config.label} declares the database {config.alias()!r}, "
                    "which DATABASES lacks",
                    id="autosalon.E002",
                )
            )
        for resource in config.api_resources:
            try:
                served = resolve(f"/api/v1/{resource.path}").url_name != API_NOT_FOUND
            except Resolver404:
                served = False
            if not served:
                errors.append(
                    checks.Error(
                        f"{config.label} lists the API resource {resource.name!r} at "
                        f"/api/v1/{resource.path}, which no URL serves",
                        id="autosalon.E003",
                    )
                )
    return errors
