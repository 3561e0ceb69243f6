"""GENERAL: the process, the site, its languages and time zone, and where its files go
(docs/conventions.md, "Settings"; docs/operations.md, "Settings")."""

import sys

from common.environment import BASE_DIR, env, site_url, var_dir
from config.process_kind import process_kind

# The embedded PostgreSQL's files, the static files collected and the beat schedule: AUTOSALON_VAR_DIR, by
# default var/ (common/environment.py).
VAR_DIR = var_dir()

# GENERAL
# ------------------------------------------------------------------------------
# web, ws, worker, relay, beat or command: sizes the database pools and names every
# connection `autosalon-<kind>` (config/process_kind.py, docs/operations.md "Connections").
PROCESS_KIND = process_kind(sys.argv)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# For development only: production.py refuses it.
DEFAULT_SECRET_KEY = "embedded-development-key-change-me-in-every-real-deployment-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# This site's address, which every absolute link it sends is made from: the e-mails' links,
# the payment provider's return address, Google's callback. `make run` sets it from HOST and
# PORT (scripts/run.sh); a deployment names its public https:// address.
SITE_URL = site_url()  # SITE_URL, by default http://127.0.0.1:8000
# A refused CSRF check: a 403 `csrf_failed` in the envelope under /api/, Django's page
# elsewhere (docs/security.md, "CSRF").
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
LANGUAGE_CODE = "en"
# The admin and the pages speak English and Russian (locale/); the API speaks English.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# The dealership's language: what its e-mails to a person who has chosen none are written in
# (docs/admin.md, "Languages"). A buyer who registers from a browser keeps its language.
DEALERSHIP_LANGUAGE = env.str("DEALERSHIP_LANGUAGE", default="ru")
LOCALE_PATHS = [BASE_DIR / "locale"]
# The dealership's own time zone: opening hours are read in it, dates such as "today" are its
# dates, and the API and the admin show times in it. Storage stays UTC (USE_TZ).
DEALERSHIP_TIME_ZONE = env.str("DEALERSHIP_TIME_ZONE", default="Europe/Moscow")
TIME_ZONE = DEALERSHIP_TIME_ZONE
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long the storefront keeps a rendered fragment that no stock figure is in (a car's
# gallery and specification), keyed by what changes it (docs/storefront.md, "Caching").
STOREFRONT_FRAGMENT_SECONDS = env.int("STOREFRONT_FRAGMENT_SECONDS", default=600)
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# The landing page lists the demo logins (`make run`'s local settings only).
LANDING_SHOWS_DEMO_LOGINS = False

# ADMIN EXPORTS (docs/admin.md, "Lists")
# ------------------------------------------------------------------------------
# A cell that starts like a formula (=, +, -, @) is exported as text, never run.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
