"""Settings for Autosalon.

Everything comes from the environment (see `.env.example`). With nothing set the project
runs embedded: one database per alias on the embedded PostgreSQL server under `var/postgres`
(which `make run` starts), an in-memory channel layer, Celery tasks executed eagerly and
e-mail printed to the console. The `DATABASE_URL_*` variables name other PostgreSQL
databases; `REDIS_URL` switches to services mode: Redis for the cache, the channel layer and
the Celery broker.

This module reads the environment file, then gathers the settings by concern: one short
module each in `config/settings/`, and each domain app's own in `<app>/settings.py`; it keeps
the registry of apps and what follows from it (docs/conventions.md, "Settings").
"""

import os
from pathlib import Path
from typing import Any

import django_stubs_ext

from common.environment import BASE_DIR, env, read_env_file
from common.registry import PeriodicJob, declaration

# Django's generic classes (QuerySet[Model], Field[...]) subscriptable at run time, as the
# annotations the type checker reads use them (pyproject.toml, [tool.mypy]).
django_stubs_ext.monkeypatch()

# Values already in the environment win over the file: read before any settings module
# reads a variable (common/environment.py).
ENV_FILE = Path(os.environ.get("AUTOSALON_ENV_FILE", BASE_DIR / ".env"))
read_env_file(ENV_FILE)

# Config's settings, by concern: each module imports the earlier names it builds on.
# isort: off
from config.settings.general import *  # noqa: E402, F403
from config.settings.databases import *  # noqa: E402, F403
from config.settings.caches import *  # noqa: E402, F403
from config.settings.celery import *  # noqa: E402, F403
from config.settings.events import *  # noqa: E402, F403
from config.settings.auth import *  # noqa: E402, F403
from config.settings.mail import *  # noqa: E402, F403
from config.settings.files import *  # noqa: E402, F403
from config.settings.api import *  # noqa: E402, F403
from config.settings.security import *  # noqa: E402, F403
from config.settings.observability import *  # noqa: E402, F403

# Each app's own settings, read from the environment where the app lives.
from accounts.settings import *  # noqa: E402, F403
from orders.settings import *  # noqa: E402, F403
from payments.settings import *  # noqa: E402, F403
from financing.settings import *  # noqa: E402, F403
from insurance.settings import *  # noqa: E402, F403
from showroom.settings import *  # noqa: E402, F403
from crm.settings import *  # noqa: E402, F403
from integrations.settings import *  # noqa: E402, F403
from tradein.settings import *  # noqa: E402, F403
from documents.settings import *  # noqa: E402, F403
from notifications.settings import *  # noqa: E402, F403
from service.settings import *  # noqa: E402, F403
from onec.settings import *  # noqa: E402, F403
from backoffice.settings import *  # noqa: E402, F403

# What the registry of apps below builds on.
from config.settings.celery import EVENTS_RELAY_INTERVAL_SECONDS  # noqa: E402
from config.settings.databases import database_config, direct_database_config  # noqa: E402

# isort: on

# APPS
# ------------------------------------------------------------------------------
# The registry of domain apps: this list names them, and each one's AppConfig (a
# common.registry.DomainAppConfig) declares the rest. INSTALLED_APPS, the databases, the
# router's map and the beat schedule follow from it (`domain_settings`, below); a settings
# module that adds an app calls that again (docs/adding-an-app.md).
DOMAIN_APPS = [
    "accounts",
    "catalog",
    "orders",
    "payments",
    "financing",
    "insurance",
    "showroom",
    "crm",
    "integrations",
    "documents",
    "notifications",
    "tradein",
    "service",
    "onec",
]
FRAMEWORK_APPS = [
    "common.apps.AdminConfig",  # Django's admin on the Autosalon site (common/admin/site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_prometheus",
    "corsheaders",
    "csp",
    "phonenumber_field",
    "import_export",
    "rangefilter",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "common.middleware.RequestIdMiddleware",
    "common.ops.logging.AccessLogMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "common.api.exceptions.ServiceUnavailableMiddleware",
    "common.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language a user chose (the admin's switch, a cookie), else the browser's; the
    # API's is its Accept-Language's, else English (docs/api.md, "Languages").
    "common.middleware.PageLocaleMiddleware",
    # An API path in its other trailing-slash form is served as the declared one.
    "common.middleware.ApiSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language first; it needs `request.user`.
    "common.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A list's unknown query parameter is a 400 naming it (docs/api.md, "Lists").
    "common.filters.UnknownQueryParametersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _periodic_job(job: PeriodicJob) -> dict[str, str | float]:
    seconds = env.float(job.setting, default=job.seconds) if job.setting else job.seconds
    return {"task": job.task, "schedule": float(seconds)}


def domain_settings(domain_apps: list[str]) -> dict[str, object]:
    """The settings that follow from the domain apps' declarations (common/registry.py):
    INSTALLED_APPS; DATABASE_ENV_VARS and DATABASES, a database per alias an app declares,
    its URL in DATABASE_URL_<APP>; DATABASES_DIRECT (DATABASE_DIRECT_URL_<APP>: where the
    relay LISTENs and the migrations run, past any pooler; common.db.databases); APP_DATABASES,
    the router's map; and CELERY_BEAT_SCHEDULE, the relay's entry and every app's jobs."""
    declared = [declaration(app) for app in domain_apps]
    variables = {config.alias(): config.database_variable() for config in declared}
    return {
        "INSTALLED_APPS": [
            *FRAMEWORK_APPS,
            "common",
            *[f"{config.__module__}.{config.__qualname__}" for config in declared],
            "backoffice.apps.BackofficeConfig",  # the dashboard's figures listen to the domain events
            "demo.apps.DemoConfig",  # `manage.py seed_demo`
            "storefront.apps.StorefrontConfig",  # the buyers' website: no database of its own
        ],
        "DATABASE_ENV_VARS": variables,
        "DATABASES": {
            alias: database_config(alias, variable) for alias, variable in variables.items()
        },
        "DATABASES_DIRECT": {alias: direct_database_config(v) for alias, v in variables.items()},
        "APP_DATABASES": {config.name: config.alias() for config in declared},
        "CELERY_BEAT_SCHEDULE": {
            "events-relay": {
                "task": "common.tasks.events_relay_task",
                "schedule": EVENTS_RELAY_INTERVAL_SECONDS,
            },
            **{job.name: _periodic_job(job) for config in declared for job in config.periodic_jobs},
        },
    }


# Set by `domain_settings` below, through globals(); declared here for the type checker.
INSTALLED_APPS: list[str]
DATABASE_ENV_VARS: dict[str, str]
DATABASES: dict[str, dict[str, Any]]
DATABASES_DIRECT: dict[str, dict[str, Any] | None]
APP_DATABASES: dict[str, str]
CELERY_BEAT_SCHEDULE: dict[str, dict[str, str | float]]
globals().update(domain_settings(DOMAIN_APPS))
