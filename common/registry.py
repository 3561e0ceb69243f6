"""The registry of domain apps (docs/adding-an-app.md). Each domain app's `AppConfig` is a
`DomainAppConfig` and declares what the rest of the project needs to know of it: its database
and that database's environment variable, its section of the admin's index and whether
managers may use it, its resources in the API's index, its periodic jobs, and the service
that encrypts its stored secrets again (`manage.py secrets_reencrypt`). The settings
(`DOMAIN_APPS` is the one list of apps), the database router, the admin site, the landing
page, the beat schedule, the managers' group and the bench derive from these declarations.

The settings read the declarations before Django's app registry exists (`declaration`), so an
app's `apps.py` imports nothing that needs the settings at import time."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ApiResource:
    """An entry of the API's index (`/api/v1/`) and of the landing page."""

    name: str
    path: str  # under /api/v1/
    description: StrOrPromise


@dataclass(frozen=True)
class PeriodicJob:
    """A beat entry: `task` every `seconds`, or every `$<setting>` seconds when that
    environment variable is set."""

    name: str
    task: str
    seconds: float
    setting: str = ""


class DomainAppConfig(AppConfig):
    # The database alias the app's models live in; None: an alias named as the app.
    database: str | None = None
    # The admin index's section its models go to (common/admin/site.py, SECTIONS), and the
    # models that go to another section instead (by model name).
    admin_section = "access"
    admin_model_sections: dict[str, str] = {}
    # Whether the managers' group gets every permission on the app's models.
    managers_may_use = False
    api_resources: tuple[ApiResource, ...] = ()
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    # The dotted name of the service that seals every secret the app stores encrypted again
    # with the first key (common/encryption.py; `manage.py secrets_reencrypt`), and returns
    # how many records it sealed; "" for an app that stores none.
    secrets_reencrypt = ""

    @classmethod
    def alias(cls) -> str:
        return cls.database or cls.name

    @classmethod
    def database_variable(cls) -> str:
        """The environment variable with the URL of the app's database."""
        return f"DATABASE_URL_{cls.name.upper()}"


def declaration(app: str) -> type[DomainAppConfig]:
    """The `DomainAppConfig` subclass that `<app>/apps.py` declares."""
    module = import_module(f"{app}.apps")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, DomainAppConfig)
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise ImproperlyConfigured(f"{app}/apps.py must declare one DomainAppConfig")
    return found[0]


def domain_apps() -> list[DomainAppConfig]:
    """The installed domain apps' configs, in the order of DOMAIN_APPS."""
    return [config for config in apps.get_app_configs() if isinstance(config, DomainAppConfig)]


def secrets_reencrypt_all() -> dict[str, int]:
    """Every domain app's stored secrets sealed again with the first key, app by app (by
    the service each declares): how many records of each."""
    return {
        config.label: import_string(config.secrets_reencrypt)()
        for config in domain_apps()
        if config.secrets_reencrypt
    }


def manager_app_labels() -> list[str]:
    return [config.label for config in domain_apps() if config.managers_may_use]
